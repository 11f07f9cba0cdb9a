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
        var exposure: Exposure?
        for (key, value) in try mapping(node, allowing: ["port", "protocol", "exposure", "description"]) {
            switch key {
            case "port":
                let text = try scalar(value)
                let bounds = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                let low = try port(bounds[0], at: value)
                let high = bounds.count == 2 ? try port(bounds[1], at: value) : low
                guard low <= high else { throw error(value, "range '\(text)' ends before it starts") }
                ports = low...high
            case "protocol": transport = try oneOf(value, TransportProtocol.allCases, what: "protocol")
            case "exposure": exposure = try oneOf(value, Exposure.allCases, what: "exposure")
            default: _ = try scalar(value)
            }
        }
        guard let ports else { throw error(node, "expected listener without 'port'") }
        guard let transport else {
            throw error(node, "expected listener without 'protocol' (tcp or udp)")
        }
        return PortPolicy.ExpectedListener(ports: ports, transport: transport, exposure: exposure)
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
