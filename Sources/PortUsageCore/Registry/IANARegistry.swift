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

    /// The slots (TCP ports at 0, UDP ports at 65536) that are not unassigned, ascending, and for each its
    /// `service index << 3 | alias bit << 2 | status`: about 13,000 of the 131,072 slots, so 100 kB
    /// instead of a 512 kB table.
    private let slots: [UInt32]
    private let entries: [UInt32]
    private let services: [(name: String, description: String)]

    private static let unassignedCode: UInt32 = 0
    private static let reservedCode: UInt32 = 1
    private static let assignedCode: UInt32 = 2
    private static let aliasBit: UInt32 = 4

    /// Builds the table from registry records, applying them in order (see ``Builder/apply(_:)``).
    public init(records: [RegistryRecord], source: Source, updated: String, recordCount: Int) {
        var builder = Builder()
        for record in records { builder.apply(record) }
        self = builder.build(source: source, updated: updated, recordCount: recordCount)
    }

    /// Builds the table one record at a time, so a registry is never held as an array of records.
    public struct Builder {
        private var entries = [UInt32](repeating: IANARegistry.unassignedCode, count: 2 * 65536)
        private var services: [(name: String, description: String)] = [("", "")]
        private var serviceIndex: [String: UInt32] = [:]

        public init() {}

        /// Applies one record. A (port, protocol) is `assigned` if any record names a service for it, else
        /// `reserved` if a record reserves it, else `unassigned`. Its service is the first name that is not a
        /// historic alias (or the first name if all are aliases).
        public mutating func apply(_ record: RegistryRecord) {
            let reservesPort = record.reservesPort
            for transport in TransportProtocol.allCases where record.protocols.includes(transport) {
                let base = transport == .tcp ? 0 : 65536
                for port in record.ports {
                    let slot = base + Int(port)
                    let current = entries[slot]
                    let status = current & 3
                    if !record.serviceName.isEmpty {
                        let replacesAlias = current & IANARegistry.aliasBit != 0 && !record.isHistoricAlias
                        if status != IANARegistry.assignedCode || replacesAlias {
                            let alias: UInt32 = record.isHistoricAlias ? IANARegistry.aliasBit : 0
                            entries[slot] = intern(record) << 3 | alias | IANARegistry.assignedCode
                        }
                    } else if reservesPort && status == IANARegistry.unassignedCode {
                        entries[slot] = intern(record) << 3 | IANARegistry.reservedCode
                    }
                }
            }
        }

        private mutating func intern(_ record: RegistryRecord) -> UInt32 {
            let key = record.serviceName + "\u{0}" + record.description
            if let index = serviceIndex[key] { return index }
            let index = UInt32(services.count)
            services.append((record.serviceName, record.description))
            serviceIndex[key] = index
            return index
        }

        /// The registry of the records applied.
        public func build(source: Source, updated: String, recordCount: Int) -> IANARegistry {
            let slots = entries.indices.filter { entries[$0] != IANARegistry.unassignedCode }
            return IANARegistry(
                slots: slots.map { UInt32($0) }, entries: slots.map { entries[$0] }, services: services,
                source: source, updated: updated, recordCount: recordCount)
        }
    }

    private init(
        slots: [UInt32], entries: [UInt32], services: [(name: String, description: String)], source: Source,
        updated: String, recordCount: Int
    ) {
        self.slots = slots
        self.entries = entries
        self.services = services
        self.source = source
        self.updated = updated
        self.recordCount = recordCount
    }

    /// What the registry says of `port` for `transport`.
    public func assignment(port: UInt16, transport: TransportProtocol) -> PortAssignment {
        let entry = entry(slot: UInt32(transport == .tcp ? 0 : 65536) + UInt32(port))
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

    /// The entry of `slot` (binary search), or the unassigned code.
    private func entry(slot: UInt32) -> UInt32 {
        var low = 0
        var high = slots.count
        while low < high {
            let middle = (low + high) / 2
            if slots[middle] < slot { low = middle + 1 } else { high = middle }
        }
        return low < slots.count && slots[low] == slot ? entries[low] : Self.unassignedCode
    }
}
