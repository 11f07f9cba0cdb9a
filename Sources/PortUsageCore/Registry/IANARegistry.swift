/// The IANA Service Name and Transport Protocol Port Number Registry, reduced to a lookup table of
/// status and canonical service name for every TCP and UDP port.
public struct IANARegistry: Sendable {
    /// Where the registry was loaded from, as used in `port_usage_registry_info{source}`.
    public enum Source: String, Sendable {
        case embedded
        case file
    }

    public let source: Source
    /// The newest registration or modification date in the registry (`YYYY-MM-DD`), or empty.
    public let updated: String
    /// The number of CSV records the registry was built from.
    public let recordCount: Int

    /// For each transport (TCP at 0, UDP at 65536) and port: `service index << 3 | alias bit << 2 | status`.
    private let entries: [UInt32]
    private let services: [(name: String, description: String)]

    private static let unassignedCode: UInt32 = 0
    private static let reservedCode: UInt32 = 1
    private static let assignedCode: UInt32 = 2
    private static let aliasBit: UInt32 = 4

    /// Builds the table from registry records, applying them in order.
    ///
    /// A (port, protocol) is `assigned` if any record names a service for it, else `reserved` if a record
    /// reserves it, else `unassigned`. Its service is the first name that is not a historic alias (or the
    /// first name if all are aliases).
    public init(records: [RegistryRecord], source: Source, updated: String, recordCount: Int) {
        var entries = [UInt32](repeating: Self.unassignedCode, count: 2 * 65536)
        var services: [(name: String, description: String)] = [("", "")]
        var serviceIndex: [String: UInt32] = [:]
        func intern(_ record: RegistryRecord) -> UInt32 {
            let key = record.serviceName + "\u{0}" + record.description
            if let index = serviceIndex[key] { return index }
            let index = UInt32(services.count)
            services.append((record.serviceName, record.description))
            serviceIndex[key] = index
            return index
        }
        for record in records {
            let reservesPort = record.reservesPort
            for transport in TransportProtocol.allCases where record.protocols.includes(transport) {
                let base = transport == .tcp ? 0 : 65536
                for port in record.ports {
                    let slot = base + Int(port)
                    let current = entries[slot]
                    let status = current & 3
                    if !record.serviceName.isEmpty {
                        let replacesAlias = current & Self.aliasBit != 0 && !record.isHistoricAlias
                        if status != Self.assignedCode || replacesAlias {
                            let alias: UInt32 = record.isHistoricAlias ? Self.aliasBit : 0
                            entries[slot] = intern(record) << 3 | alias | Self.assignedCode
                        }
                    } else if reservesPort && status == Self.unassignedCode {
                        entries[slot] = intern(record) << 3 | Self.reservedCode
                    }
                }
            }
        }
        self.entries = entries
        self.services = services
        self.source = source
        self.updated = updated
        self.recordCount = recordCount
    }

    /// What the registry says of `port` for `transport`.
    public func assignment(port: UInt16, transport: TransportProtocol) -> PortAssignment {
        let entry = entries[(transport == .tcp ? 0 : 65536) + Int(port)]
        let service = services[Int(entry >> 3)]
        switch entry & 3 {
        case Self.assignedCode:
            return PortAssignment(status: .assigned, service: service.name, description: service.description)
        case Self.reservedCode:
            return PortAssignment(status: .reserved, service: "", description: service.description)
        default:
            return PortAssignment(status: .unassigned, service: "", description: "")
        }
    }
}
