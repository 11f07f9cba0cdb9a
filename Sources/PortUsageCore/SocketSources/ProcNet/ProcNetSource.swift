public import Logging

/// Reads the socket tables from `<procfs>/net/{tcp,tcp6,udp,udp6}`.
///
/// Each table must be a regular file (procfs's are, of size 0) and is read in bounded memory, up to
/// ``maximumTableBytes``; anything else fails that table's collector at once, without blocking.
public struct ProcNetSource: SocketSource {
    /// The default of ``maximumTableBytes``: 1 GiB, far above the ~15 MB of a table of 100,000 sockets.
    public static let defaultMaximumTableBytes = 1 << 30

    /// The procfs mount point (`--path.procfs`).
    public let procRoot: String
    /// The tables to read, each one a collector.
    public let tables: [SocketTable]
    /// Whether non-listening TCP sockets are counted per listener port.
    public let tracksConnections: Bool
    /// The most bytes read from one table; a table that yields more fails its collector.
    public let maximumTableBytes: Int
    private let logger: Logger

    public init(
        procRoot: String, tables: [SocketTable], tracksConnections: Bool,
        maximumTableBytes: Int = defaultMaximumTableBytes, logger: Logger
    ) {
        self.procRoot = procRoot
        self.tables = tables
        self.tracksConnections = tracksConnections
        self.maximumTableBytes = maximumTableBytes
        self.logger = logger
    }

    /// The path of a table's file under ``procRoot``.
    public func path(of table: SocketTable) -> String {
        procRoot + "/net/" + table.rawValue
    }

    /// Reads the tables one after the other; a table still being read at `deadline` fails with
    /// "timed out", and so does every table after it.
    public func snapshot(deadline: ContinuousClock.Instant?) -> SocketSnapshot {
        SocketSnapshot(readings: tables.map { read($0, deadline: deadline) })
    }

    private func read(_ table: SocketTable, deadline: ContinuousClock.Instant?) -> TableReading {
        let clock = ContinuousClock()
        let start = clock.now
        var parser = ProcNetParser(table: table, tracksConnections: tracksConnections)
        let path = path(of: table)
        let result: Result<SocketTableCounts, SocketSourceError>
        do {
            try FileReader.forEachChunk(of: path, limit: maximumTableBytes, deadline: deadline) {
                parser.consume($0)
            }
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
