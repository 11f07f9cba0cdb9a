import ArgumentParser
import PortUsageCore

/// One `--collector.<name>` or `--no-collector.<name>` flag, generated from the collector registry
/// (``CollectorRegistry/standard``), plus the per-table flags of earlier releases, kept as hidden deprecated aliases.
struct CollectorToggle: EnumerableFlag, Hashable {
    /// What a toggle switches.
    enum Target: Hashable {
        case collector(CollectorName)
        /// A table of the former `tcp`, `tcp6`, `udp` and `udp6` collectors: now which tables are read.
        case table(SocketTable)
    }

    var target: Target
    var enables: Bool

    static var allCases: [CollectorToggle] { toggles(for: .standard) }

    /// The toggles of every collector of `registry`, and the deprecated per-table ones.
    static func toggles(for registry: CollectorRegistry) -> [CollectorToggle] {
        let targets = registry.names.map(Target.collector) + SocketTable.allCases.map(Target.table)
        return targets.flatMap {
            [CollectorToggle(target: $0, enables: true), CollectorToggle(target: $0, enables: false)]
        }
    }

    /// The name after `collector.`.
    var name: String {
        switch target {
        case .collector(let collector): collector.rawValue
        case .table(let table): table.rawValue
        }
    }

    static func name(for value: CollectorToggle) -> NameSpecification {
        .customLong((value.enables ? "collector." : "no-collector.") + value.name)
    }

    static func help(for value: CollectorToggle) -> ArgumentHelp? {
        help(for: value, in: .standard)
    }

    /// The help of `value`, from the registration of its collector in `registry`.
    static func help(for value: CollectorToggle, in registry: CollectorRegistry) -> ArgumentHelp? {
        guard case .collector(let collector) = value.target,
            let registration = registry.registration(collector)
        else { return .hidden }
        guard value.enables else { return ArgumentHelp("Disable the \(collector) collector.") }
        let state = registration.isEnabledByDefault ? "enabled" : "disabled"
        return ArgumentHelp("Enable the \(collector) collector: \(registration.summary). (default: \(state))")
    }
}
