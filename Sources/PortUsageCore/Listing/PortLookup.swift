/// What `lookup` says of one port for one protocol: its range, IANA's assignment, every record that names
/// it (historic aliases included), and the listeners on it now.
public struct PortLookup: Sendable, Equatable {
    public var port: UInt16
    public var transport: TransportProtocol
    public var range: PortRange
    public var assignment: PortAssignment
    /// Every registry record for the port and protocol, in registry order.
    public var records: [RegistryRecord]
    /// The listeners on the port now.
    public var listeners: [ListedListener]

    /// The most ports a name is looked up on (x11 names 64).
    public static let maximumPorts = 64

    /// The lookups for `query`, a port number or a service name (case-insensitive, aliases included), for
    /// `transport` or both. A name gives every port and protocol a record names it for, up to
    /// ``maximumPorts``.
    public static func find(
        _ query: String, transport: TransportProtocol?, in csv: RegistryCSV, registry: IANARegistry,
        listeners: [ListedListener]
    ) -> [PortLookup] {
        let transports = transport.map { [$0] } ?? TransportProtocol.allCases
        var keys: [(UInt16, TransportProtocol)] = []
        if let port = UInt16(query) {
            keys = transports.map { (port, $0) }
        } else {
            let name = query.lowercased()
            for record in csv.records where record.serviceName.lowercased() == name {
                for port in record.ports.prefix(maximumPorts) {
                    for candidate in transports where record.protocols.includes(candidate) {
                        if !keys.contains(where: { $0 == (port, candidate) }) {
                            keys.append((port, candidate))
                        }
                    }
                }
            }
            keys = Array(keys.prefix(maximumPorts))
        }
        return keys.map { port, transport in
            PortLookup(
                port: port, transport: transport, range: PortRange(port: port),
                assignment: registry.assignment(port: port, transport: transport),
                records: csv.records.filter { $0.ports.contains(port) && $0.protocols.includes(transport) },
                listeners: listeners.filter { $0.port == port && $0.transport == transport })
        }
    }

    /// A few lines for people: `771/tcp: assigned system port: rtip (RTIP)`, the other names, the listeners;
    /// control characters escaped (``Swift/String/terminalSafe``).
    public var text: String {
        var lines: [String] = []
        let head = "\(port)/\(transport.rawValue): \(assignment.status.rawValue) \(range.rawValue) port"
        switch assignment.status {
        case .assigned:
            lines.append(head + ": \(assignment.service)" + Self.parenthesized(assignment.description))
        case .reserved: lines.append(head + Self.parenthesized(assignment.description))
        case .unassigned: lines.append(head)
        }
        for record in records where !record.serviceName.isEmpty && record.serviceName != assignment.service {
            let kind = record.isHistoricAlias ? "historic alias" : "also"
            lines.append("  \(kind): \(record.serviceName)" + Self.parenthesized(record.description))
        }
        if listeners.isEmpty {
            lines.append("  listening now: nothing")
        }
        for listener in listeners {
            let processes =
                listener.owner.processes.isEmpty ? "-" : listener.owner.processes.joined(separator: ",")
            let unit = listener.owner.unit.isEmpty ? "-" : listener.owner.unit
            lines.append(
                "  listening now: \(listener.family.rawValue) \(listener.address) (\(listener.exposure.rawValue)), user \(listener.owner.user), unit \(unit), process \(processes)"
            )
        }
        return lines.map(\.terminalSafe).joined(separator: "\n") + "\n"
    }

    private static func parenthesized(_ text: String) -> String {
        text.isEmpty ? "" : " (\(text))"
    }

    /// The lookup as a JSON object.
    public var json: JSONValue {
        .object([
            ("port", .number(Int(port))), ("protocol", .string(transport.rawValue)),
            ("range", .string(range.rawValue)),
            ("assignment", .string(assignment.status.rawValue)), ("service", .string(assignment.service)),
            ("description", .string(assignment.description)),
            (
                "records",
                .array(
                    records.map {
                        .object([
                            ("service", .string($0.serviceName)), ("description", .string($0.description)),
                            ("historic_alias", .bool($0.isHistoricAlias)),
                        ])
                    })
            ),
            ("listeners", .array(listeners.map { ListenerListingText.jsonObject($0) })),
        ])
    }
}
