public import Logging

/// Reads the socket tables from `<procfs>/net/{tcp,tcp6,udp,udp6}`.
public struct ProcNetSource: SocketSource {
    /// The procfs mount point (`--path.procfs`).
    public let procRoot: String
    /// The tables to read, each one a collector.
    public let tables: [SocketTable]
    /// Whether non-listening TCP sockets are counted per listener port.
    public let tracksConnections: Bool
    private let logger: Logger

    public init(procRoot: String, tables: [SocketTable], tracksConnections: Bool, logger: Logger) {
        self.procRoot = procRoot
        self.tables = tables
        self.tracksConnections = tracksConnections
        self.logger = logger
    }

    /// The path of a table's file under ``procRoot``.
    public func path(of table: SocketTable) -> String {
        procRoot + "/net/" + table.rawValue
    }

    public func snapshot() -> SocketSnapshot {
        SocketSnapshot(readings: tables.map(read))
    }

    private func read(_ table: SocketTable) -> TableReading {
        let clock = ContinuousClock()
        let start = clock.now
        var parser = ProcNetParser(table: table, tracksConnections: tracksConnections)
        let path = path(of: table)
        let result: Result<SocketTableCounts, SocketSourceError>
        do {
            try FileReader.forEachChunk(of: path) { parser.consume($0) }
            let counts = parser.finish()
            if let example = parser.firstSkippedLine {
                logger.warning(
                    "skipped malformed socket lines",
                    metadata: [
                        "collector": "\(table.rawValue)", "path": "\(path)",
                        "skipped": "\(counts.skippedLines)",
                        "first_line": "\(example.number)", "first_text": "\(example.text)",
                    ])
            }
            result = .success(counts)
        } catch {
            result = .failure(SocketSourceError("\(error)"))
        }
        return TableReading(table: table, result: result, durationSeconds: (clock.now - start).seconds)
    }
}
