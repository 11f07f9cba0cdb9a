public import PortUsageCore
import PortUsageYAML

/// A policy written from what runs (`policy generate`): the watched ranges asked for and one expected
/// entry per listener key, with the owners seen, as YAML that ``PolicyFile`` reads back.
///
/// Names are written as globs that match only themselves and as YAML scalars that read back as the same
/// text: a process or unit name is chosen by whoever started it.
public struct PolicyDraft: Sendable {
    public var watchedRanges: Set<PortRange>
    public var listeners: [DraftListener]
    /// The owner constraints written; the others are left out (any owner).
    public var ownerKinds: Set<OwnerKind>
    /// Whether every entry is marked `required: true`.
    public var required: Bool
    /// Comment lines at the top of the file (where the draft comes from).
    public var header: [String]

    public init(
        watchedRanges: Set<PortRange>, listeners: [DraftListener], ownerKinds: Set<OwnerKind>,
        required: Bool, header: [String] = []
    ) {
        self.watchedRanges = watchedRanges
        self.listeners = listeners
        self.ownerKinds = ownerKinds
        self.required = required
        self.header = header
    }

    /// The policy file's text.
    public var yaml: String {
        var out = header.map { "# " + YAMLScalarText.comment($0) + "\n" }.joined()
        let ranges = PortRange.allCases.filter(watchedRanges.contains).map(\.rawValue)
        out += "watched_ranges: [\(ranges.joined(separator: ", "))]\n"
        guard !listeners.isEmpty else { return out + "expected: []\n" }
        out += "expected:\n"
        for listener in listeners { out += entry(listener) }
        return out
    }

    private func entry(_ listener: DraftListener) -> String {
        var out = "  - port: \(listener.port)"
        let comment = ([listener.service].filter { !$0.isEmpty } + prevalenceText(listener)).joined(
            separator: ", ")
        if !comment.isEmpty { out += "  # " + YAMLScalarText.comment(comment) }
        out += "\n    protocol: \(listener.transport.rawValue)\n"
        if let exposure = listener.exposure { out += "    exposure: \(exposure.rawValue)\n" }
        for kind in OwnerKind.allCases where ownerKinds.contains(kind) {
            guard let names = listener.owners[kind], !names.isEmpty else { continue }
            let scalars = Set(names.map(GlobText.matching)).sorted().map(YAMLScalarText.of)
            let value = scalars.count == 1 ? scalars[0] : "[" + scalars.joined(separator: ", ") + "]"
            out += "    \(kind.rawValue): \(value)\n"
        }
        if required { out += "    required: true\n" }
        return out
    }

    private func prevalenceText(_ listener: DraftListener) -> [String] {
        guard let prevalence = listener.prevalence else { return [] }
        return ["on \(prevalence.hosts) of \(prevalence.of) host\(prevalence.of == 1 ? "" : "s")"]
    }
}
