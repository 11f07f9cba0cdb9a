/// The compact text form of the registry that is embedded in the binary.
///
/// A first line `updated=YYYY-MM-DD records=N`, then one record a line:
/// `low[-high] TAB t|u|b TAB 0|1 (historic alias) TAB name TAB description`. One string literal compiles in
/// a moment and is parsed on first use, where an array literal of thousands of structs would slow every build.
public enum CompactRegistryTable {
    /// Writes `csv` in the compact form (used by the `RegistryGenerator` tool).
    public static func encode(_ csv: RegistryCSV) -> String {
        var text = "updated=\(csv.updated) records=\(csv.recordCount)\n"
        for record in csv.records {
            let ports =
                record.ports.count == 1
                ? "\(record.ports.lowerBound)" : "\(record.ports.lowerBound)-\(record.ports.upperBound)"
            let proto =
                switch record.protocols {
                case .tcp: "t"
                case .udp: "u"
                case .both: "b"
                }
            let fields = [
                ports, proto, record.isHistoricAlias ? "1" : "0", record.serviceName, record.description,
            ]
            text += fields.map(RegistryRecord.singleLine).joined(separator: "\t") + "\n"
        }
        return text
    }

    /// Reads the compact form back into a registry. Lines that do not parse are dropped and counted.
    public static func decode(_ text: String, source: IANARegistry.Source) -> (
        registry: IANARegistry, droppedLines: Int
    ) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        var updated = ""
        var recordCount = 0
        if let header = lines.first, header.hasPrefix("updated=") {
            for pair in header.split(separator: " ") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                if parts[0] == "updated" { updated = String(parts[1]) }
                if parts[0] == "records" { recordCount = Int(parts[1]) ?? 0 }
            }
            lines = lines.dropFirst()
        }
        var records: [RegistryRecord] = []
        records.reserveCapacity(lines.count)
        var dropped = 0
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 5, let ports = RegistryCSV.parsePorts(String(fields[0])) else {
                dropped += 1
                continue
            }
            let protocols: RecordProtocols
            switch fields[1] {
            case "t": protocols = .tcp
            case "u": protocols = .udp
            case "b": protocols = .both
            default:
                dropped += 1
                continue
            }
            records.append(
                RegistryRecord(
                    serviceName: String(fields[3]), ports: ports, protocols: protocols,
                    description: String(fields[4]), isHistoricAlias: fields[2] == "1"))
        }
        let registry = IANARegistry(
            records: records, source: source, updated: updated, recordCount: recordCount)
        return (registry, dropped)
    }
}

extension IANARegistry {
    /// The registry snapshot embedded in the binary, parsed on first use.
    public static let embedded: IANARegistry = CompactRegistryTable.decode(
        embeddedRegistryTable, source: .embedded
    ).registry
}
