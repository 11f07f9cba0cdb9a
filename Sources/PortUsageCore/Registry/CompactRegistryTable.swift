#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

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

    /// Reads the compact form back into a registry, one line at a time: no array of lines or records is
    /// built, which keeps the exporter's peak memory at start down. Lines that do not parse are dropped and
    /// counted.
    public static func decode(_ text: String, source: IANARegistry.Source) -> (
        registry: IANARegistry, droppedLines: Int
    ) {
        var builder = IANARegistry.Builder()
        let header = forEachRecord(in: text) { builder.apply($0) }
        return (
            builder.build(source: source, updated: header.updated, recordCount: header.recordCount),
            header.dropped
        )
    }

    /// Reads the compact form back into its records. Lines that do not parse are dropped and counted.
    public static func decodeRecords(_ text: String) -> (csv: RegistryCSV, droppedLines: Int) {
        var records: [RegistryRecord] = []
        let header = forEachRecord(in: text) { records.append($0) }
        return (
            RegistryCSV(records: records, updated: header.updated, recordCount: header.recordCount),
            header.dropped
        )
    }

    /// Calls `body` with each record of the compact text, splitting on UTF-8 bytes rather than Characters;
    /// returns the header's fields and the number of lines dropped.
    private static func forEachRecord(in text: String, _ body: (RegistryRecord) -> Void) -> (
        updated: String, recordCount: Int, dropped: Int
    ) {
        let newline = UInt8(ascii: "\n")
        var updated = ""
        var recordCount = 0
        var dropped = 0
        let bytes = text.utf8
        var start = bytes.startIndex
        var isFirst = true
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: newline) ?? bytes.endIndex
            let line = bytes[start..<end]
            start = end < bytes.endIndex ? bytes.index(after: end) : end
            if line.isEmpty { continue }
            if isFirst && line.starts(with: "updated=".utf8) {
                (updated, recordCount) = parseHeader(line)
            } else if let record = parseRecord(line) {
                body(record)
            } else {
                dropped += 1
            }
            isFirst = false
        }
        return (updated, recordCount, dropped)
    }

    private static func parseHeader(_ line: Substring.UTF8View) -> (updated: String, recordCount: Int) {
        var updated = ""
        var recordCount = 0
        for pair in line.split(separator: UInt8(ascii: " ")) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1)
            guard parts.count == 2 else { continue }
            let value = String(Substring(parts[1]))
            if parts[0].elementsEqual("updated".utf8) { updated = value }
            if parts[0].elementsEqual("records".utf8) { recordCount = Int(value) ?? 0 }
        }
        return (updated, recordCount)
    }

    /// One record line: `ports TAB t|u|b TAB 0|1 TAB name TAB description`.
    private static func parseRecord(_ line: Substring.UTF8View) -> RegistryRecord? {
        let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
        guard fields.count == 5, fields[1].count == 1,
            let ports = RegistryCSV.parsePorts(String(Substring(fields[0])))
        else { return nil }
        let protocols: RecordProtocols
        switch fields[1].first {
        case UInt8(ascii: "t"): protocols = .tcp
        case UInt8(ascii: "u"): protocols = .udp
        case UInt8(ascii: "b"): protocols = .both
        default: return nil
        }
        return RegistryRecord(
            serviceName: String(Substring(fields[3])), ports: ports, protocols: protocols,
            description: String(Substring(fields[4])), isHistoricAlias: fields[2].first == UInt8(ascii: "1"))
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

extension IANARegistry {
    /// Drops the embedded registry's text (about 0.5 MB of the binary) from the process's resident pages
    /// once ``embedded`` is decoded: it is read whole at start and not again in serve mode. Those pages
    /// belong to the binary's file mapping, so a later read (a `lookup`) simply maps them again.
    public static func releaseEmbeddedText() {
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        embeddedRegistryTable.utf8.withContiguousStorageIfAvailable { text in
            guard let base = text.baseAddress else { return }
            let start = (Int(bitPattern: base) + pageSize - 1) / pageSize * pageSize
            let end = (Int(bitPattern: base) + text.count) / pageSize * pageSize
            guard end > start else { return }
            _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
        }
    }
}
