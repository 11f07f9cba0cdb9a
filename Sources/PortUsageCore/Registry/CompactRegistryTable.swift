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
        let decoded = decodeRecords(text)
        let registry = IANARegistry(
            records: decoded.csv.records, source: source, updated: decoded.csv.updated,
            recordCount: decoded.csv.recordCount)
        return (registry, decoded.droppedLines)
    }

    /// Reads the compact form back into its records. Lines that do not parse are dropped and counted.
    ///
    /// Splits on UTF-8 bytes rather than Characters: this runs at every start.
    public static func decodeRecords(_ text: String) -> (csv: RegistryCSV, droppedLines: Int) {
        let newline = UInt8(ascii: "\n")
        let tab = UInt8(ascii: "\t")
        var lines = text.utf8.split(separator: newline)[...]
        var updated = ""
        var recordCount = 0
        if let header = lines.first, header.starts(with: "updated=".utf8) {
            for pair in header.split(separator: UInt8(ascii: " ")) {
                let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1)
                guard parts.count == 2 else { continue }
                let value = String(Substring(parts[1]))
                if parts[0].elementsEqual("updated".utf8) { updated = value }
                if parts[0].elementsEqual("records".utf8) { recordCount = Int(value) ?? 0 }
            }
            lines = lines.dropFirst()
        }
        var records: [RegistryRecord] = []
        records.reserveCapacity(lines.count)
        var dropped = 0
        for line in lines {
            let fields = line.split(separator: tab, omittingEmptySubsequences: false)
            guard fields.count == 5, fields[1].count == 1,
                let ports = RegistryCSV.parsePorts(String(Substring(fields[0])))
            else {
                dropped += 1
                continue
            }
            let protocols: RecordProtocols
            switch fields[1].first {
            case UInt8(ascii: "t"): protocols = .tcp
            case UInt8(ascii: "u"): protocols = .udp
            case UInt8(ascii: "b"): protocols = .both
            default:
                dropped += 1
                continue
            }
            records.append(
                RegistryRecord(
                    serviceName: String(Substring(fields[3])), ports: ports, protocols: protocols,
                    description: String(Substring(fields[4])),
                    isHistoricAlias: fields[2].first == UInt8(ascii: "1")))
        }
        return (RegistryCSV(records: records, updated: updated, recordCount: recordCount), dropped)
    }
}

extension RegistryCSV {
    /// Every record of the registry snapshot embedded in the binary, for lookups by name (the exporter keeps
    /// only the reduced ``IANARegistry/embedded``).
    public static func embedded() -> RegistryCSV {
        CompactRegistryTable.decodeRecords(IANARegistry.embeddedRegistryTable).csv
    }
}

extension IANARegistry {
    /// The registry snapshot embedded in the binary, parsed on first use.
    public static let embedded: IANARegistry = CompactRegistryTable.decode(
        embeddedRegistryTable, source: .embedded
    ).registry
}
