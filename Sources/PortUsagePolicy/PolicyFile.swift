public import PortUsageCore
public import PortUsageYAML

/// Reads an expected-port policy from YAML (`--policy.file`). The schema:
///
/// ```yaml
/// watched_ranges: [system]          # optional; system, user, dynamic; default [system]
/// expected:                         # optional; listeners that may exist in watched ranges
///   - port: 22                      # a port, or a range such as 8000-8100
///     protocol: tcp                 # tcp or udp
///     exposure: any                 # optional: any, loopback or specific; default: any of them
///     unit: sshd.service            # optional: a name or a list; globs with * and ?, \ escapes
///     process: sshd                 # optional: the executable's full name (else comm), or a list; globs
///     user: root                    # optional: a user name (or uid without one), or a list; globs
///     netns: host                   # optional: a `netns` label or glob; host also without netns; default any
///     required: true                # optional: report its absence; default false
/// services:                         # optional; local names that replace IANA's in the service label
///   9100: node_exporter             # both protocols
///   "53/udp": dns                   # one protocol
/// ```
///
/// Unknown keys are errors, so that a misspelt key never silently widens the policy.
public enum PolicyFile {
    /// Reads and parses the file at `path`, a regular file of at most
    /// ``FileReader/configurationFileLimit`` bytes.
    public static func load(path: String) throws(YAMLFileError) -> PortPolicy {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readConfigurationFile(path, limit: FileReader.configurationFileLimit)
        } catch {
            throw YAMLFileError(file: path, line: 0, column: 0, reason: error.reason)
        }
        return try parse(bytes, file: path)
    }

    /// Parses a policy document; `file` names it in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(YAMLFileError) -> PortPolicy {
        guard let root = try YAMLDocument.parse(bytes, file: file) else {
            throw YAMLFileError(file: file, line: 0, column: 0, reason: "the file holds no YAML document")
        }
        let decoder = YAMLDecoder(file: file)
        var policy = PortPolicy()
        for (key, value) in try decoder.mapping(root, allowing: ["watched_ranges", "expected", "services"]) {
            switch key {
            case "watched_ranges":
                policy.watchedRanges = Set(
                    try decoder.sequence(value).map { item throws(YAMLFileError) in
                        try decoder.oneOf(item, PortRange.allCases, what: "range")
                    })
            case "expected":
                policy.expected = try decoder.sequence(value).map(decoder.expectedListener)
                try decoder.checkRequiredEntriesDiffer(policy.expected, in: decoder.sequence(value))
            default:
                policy.serviceNames = try decoder.serviceNames(value)
            }
        }
        return policy
    }
}

/// The policy file's own node types.
extension YAMLDecoder {
    fileprivate func port(_ text: Substring, at node: YAMLNode) throws(YAMLFileError) -> UInt16 {
        guard !text.isEmpty, text.allSatisfy(\.isASCII), let port = UInt16(text) else {
            throw error(node, "'\(text)' is not a port number (0-65535)")
        }
        return port
    }

    fileprivate func expectedListener(_ node: YAMLNode) throws(YAMLFileError) -> PortPolicy.ExpectedListener {
        var ports: ClosedRange<UInt16>?
        var transport: TransportProtocol?
        var entry = PortPolicy.ExpectedListener(ports: 0...0, transport: .tcp, origin: "\(file):\(node.line)")
        let keys = [
            "port", "protocol", "exposure", "unit", "process", "user", "netns", "required", "description",
        ]
        for (key, value) in try mapping(node, allowing: keys) {
            switch key {
            case "port":
                let text = try scalar(value)
                let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                let low = try port(bounds[0], at: value)
                let high = bounds.count == 2 ? try port(bounds[1], at: value) : low
                guard low <= high else { throw error(value, "range '\(text)' ends before it starts") }
                ports = low...high
            case "protocol": transport = try oneOf(value, TransportProtocol.allCases, what: "protocol")
            case "exposure": entry.exposure = try oneOf(value, Exposure.allCases, what: "exposure")
            case "unit": entry.units = try patterns(value, what: "unit")
            case "process": entry.processes = try patterns(value, what: "process")
            case "user": entry.users = try patterns(value, what: "user")
            case "netns": entry.netns = try pattern(value, what: "netns")
            case "required": entry.isRequired = try bool(value)
            default: _ = try scalar(value)
            }
        }
        guard let ports else { throw error(node, "expected listener without 'port'") }
        guard let transport else {
            throw error(node, "expected listener without 'protocol' (tcp or udp)")
        }
        entry.ports = ports
        entry.transport = transport
        return entry
    }

    /// One name or glob, or a list of them.
    fileprivate func patterns(_ node: YAMLNode, what: String) throws(YAMLFileError) -> [NamePattern] {
        guard case .sequence(let items) = node.content else { return [try pattern(node, what: what)] }
        guard !items.isEmpty else {
            throw error(node, "empty list of \(what) names; omit the key to allow any")
        }
        return try items.map { item throws(YAMLFileError) in try pattern(item, what: what) }
    }

    /// A name or glob of 1 to 256 bytes on one line, with no escape left unfinished.
    fileprivate func pattern(_ node: YAMLNode, what: String) throws(YAMLFileError) -> NamePattern {
        let text = try scalar(node)
        guard !text.isEmpty, text.utf8.count <= 256, !text.contains(where: \.isNewline) else {
            throw error(node, "\(what) name must be 1 to 256 bytes on one line")
        }
        guard let pattern = NamePattern(text) else {
            throw error(node, "\(what) name '\(text)' ends in a lone '\\'; write '\\\\' for a backslash")
        }
        return pattern
    }

    /// Refuses two required entries that say the same: their `port_usage_expected_listener_missing` series
    /// would be one.
    fileprivate func checkRequiredEntriesDiffer(
        _ entries: [PortPolicy.ExpectedListener], in nodes: [YAMLNode]
    ) throws(YAMLFileError) {
        var seen: [PortPolicy.ExpectedListener.Identity: Int] = [:]
        for (index, entry) in entries.enumerated() where entry.isRequired {
            if let first = seen.updateValue(index, forKey: entry.identity) {
                throw error(
                    nodes[index],
                    "required entry says the same as the one at line \(nodes[first].line); merge them")
            }
        }
    }

    fileprivate func serviceNames(_ node: YAMLNode) throws(YAMLFileError) -> [PortPolicy.ServiceKey: String] {
        guard case .mapping(let entries) = node.content else {
            throw error(
                node, "expected a mapping of port (or port/protocol) to service name, found \(node.kind)")
        }
        var names: [PortPolicy.ServiceKey: String] = [:]
        for (keyNode, value) in entries {
            let key = try scalar(keyNode)
            let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            var transport: TransportProtocol?
            if parts.count == 2 {
                guard let parsed = TransportProtocol(rawValue: String(parts[1])) else {
                    throw error(keyNode, "unknown protocol in '\(key)'; expected tcp or udp")
                }
                transport = parsed
            }
            let serviceKey = PortPolicy.ServiceKey(
                port: try port(parts[0], at: keyNode), transport: transport)
            let name = try scalar(value)
            guard !name.isEmpty, name.utf8.count <= 64, !name.contains(where: \.isNewline) else {
                throw error(value, "service name must be 1 to 64 bytes on one line")
            }
            guard names.updateValue(name, forKey: serviceKey) == nil else {
                throw error(keyNode, "service for '\(key)' given twice")
            }
        }
        return names
    }
}
