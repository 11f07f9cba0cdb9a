/// Reads the socket tables from `<procfs>/net/{tcp,tcp6,udp,udp6}`.
///
/// Each table must be a regular file (procfs's are, of size 0) and is read in bounded memory, up to
/// ``maximumTableBytes``; anything else fails the read at once, without blocking. The kernel lists every
/// socket of a table whatever is asked, so every read streams the whole table, read one chunk ahead of the
/// parser on a thread of its own (``FileReader/forEachChunk(of:limit:deadline:readingAhead:_:)``).
public struct ProcNetSource: SocketSource {
    /// The default of ``maximumTableBytes``: 1 GiB, far above the ~15 MB of a table of 100,000 sockets.
    public static let defaultMaximumTableBytes = 1 << 30

    /// The procfs mount point.
    public let procRoot: String
    /// The most bytes read from one table; a table that yields more fails.
    public let maximumTableBytes: Int

    public init(procRoot: String, maximumTableBytes: Int = defaultMaximumTableBytes) {
        self.procRoot = procRoot
        self.maximumTableBytes = maximumTableBytes
    }

    /// The path of a table's file under ``procRoot``.
    public func path(of table: SocketTable) -> String {
        procRoot + "/net/" + table.rawValue
    }

    public func kind(for table: SocketTable) -> SocketSourceKind { .procfs }

    public func selectsInKernel(_ table: SocketTable) -> Bool { false }

    /// Streams every socket of `table`, whatever `selection` asks.
    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        var parser = ProcNetParser(table: table)
        do {
            try FileReader.forEachChunk(
                of: path(of: table), limit: maximumTableBytes, deadline: deadline, readingAhead: true
            ) { parser.consume($0, into: &consumer) }
        } catch {
            throw .file(error)
        }
        return parser.finish(into: &consumer)
    }
}
