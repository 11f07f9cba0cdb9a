/// A registry CSV that cannot be used, with the line and the reason.
public struct RegistryFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "registry file \(path): \(reason)" }
}

/// The records of an IANA registry CSV, with the facts `port_usage_registry_info` reports.
public struct RegistryCSV: Sendable {
    /// The records that name a port or range for TCP, UDP or both.
    public var records: [RegistryRecord]
    /// The newest `Registration Date` or `Modification Date`.
    public var updated: String
    /// All data records in the file, including the ones without a port and those of other protocols.
    public var recordCount: Int

    static let requiredColumns = ["Service Name", "Port Number", "Transport Protocol", "Description"]

    /// Records read before.
    public init(records: [RegistryRecord], updated: String, recordCount: Int) {
        self.records = records
        self.updated = updated
        self.recordCount = recordCount
    }

    /// Parses the CSV published by IANA (`service-names-port-numbers.csv`).
    public init(bytes: [UInt8], path: String) throws(RegistryFileError) {
        func fail(_ reason: String) -> RegistryFileError { RegistryFileError(path: path, reason: reason) }
        let rows: [CSVReader.Record]
        do {
            rows = try CSVReader.records(bytes)
        } catch {
            throw fail("\(error)")
        }
        guard let header = rows.first else { throw fail("the file is empty") }
        var columns: [String: Int] = [:]
        for (index, name) in header.fields.enumerated() { columns[name] = index }
        let missing = Self.requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw fail(
                "line 1: not an IANA port registry header; missing column(s) \(missing.joined(separator: ", "))"
            )
        }
        let name = columns["Service Name"]!
        let port = columns["Port Number"]!
        let proto = columns["Transport Protocol"]!
        let description = columns["Description"]!
        let notes = columns["Assignment Notes"]
        let dates = ["Registration Date", "Modification Date"].compactMap { columns[$0] }

        var records: [RegistryRecord] = []
        var updated = ""
        for row in rows.dropFirst() {
            guard row.fields.count == header.fields.count else {
                throw fail(
                    "line \(row.line): expected \(header.fields.count) fields, found \(row.fields.count)")
            }
            for column in dates where Self.isISODate(row.fields[column]) && row.fields[column] > updated {
                updated = row.fields[column]
            }
            let portText = row.fields[port]
            guard !portText.isEmpty else { continue }
            guard let ports = Self.parsePorts(portText) else {
                throw fail("line \(row.line): invalid port number '\(portText)'")
            }
            let protocols: RecordProtocols
            switch row.fields[proto] {
            case "tcp": protocols = .tcp
            case "udp": protocols = .udp
            case "": protocols = .both
            default: continue
            }
            records.append(
                RegistryRecord(
                    serviceName: RegistryRecord.singleLine(row.fields[name]), ports: ports,
                    protocols: protocols,
                    description: RegistryRecord.singleLine(row.fields[description]),
                    isHistoricAlias: notes.map { RegistryRecord.notesMarkAlias(row.fields[$0]) } ?? false))
        }
        guard !records.isEmpty else { throw fail("no TCP or UDP port records found") }
        self.records = records
        self.updated = updated
        self.recordCount = rows.count - 1
    }

    /// Parses `80` or `6000-6063`.
    static func parsePorts(_ text: String) -> ClosedRange<UInt16>? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count <= 2, let low = UInt16(parts[0]), let high = UInt16(parts.last!), low <= high else {
            return nil
        }
        return low...high
    }

    static func isISODate(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            return false
        }
        return bytes.enumerated().allSatisfy { $0.offset == 4 || $0.offset == 7 || ($0.element &- 48) < 10 }
    }
}

extension IANARegistry {
    /// The size limit of a registry CSV: 16 MiB, over ten times IANA's file (1.2 MB in 2026).
    public static let maximumFileBytes = 16 << 20

    /// Loads a registry from an IANA CSV file (`--registry.file`), a regular file of at most
    /// ``maximumFileBytes``.
    public static func load(csvFile path: String) throws(RegistryFileError) -> IANARegistry {
        IANARegistry(file: try RegistryCSV.load(path))
    }

    /// The registry of a CSV file read before (`lookup` keeps the records too, for their aliases).
    public init(file csv: RegistryCSV) {
        self.init(records: csv.records, source: .file, updated: csv.updated, recordCount: csv.recordCount)
    }
}

extension RegistryCSV {
    /// Reads an IANA CSV file, a regular file of at most ``IANARegistry/maximumFileBytes``.
    public static func load(_ path: String) throws(RegistryFileError) -> RegistryCSV {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.readConfigurationFile(path, limit: IANARegistry.maximumFileBytes)
        } catch {
            throw RegistryFileError(path: path, reason: error.reason)
        }
        return try RegistryCSV(bytes: bytes, path: path)
    }
}
