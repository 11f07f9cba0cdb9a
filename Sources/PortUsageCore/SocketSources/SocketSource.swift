/// Which sockets of a table a read asks for.
public enum SocketSelection: Sendable, Equatable {
    /// Listeners: TCP in LISTEN; UDP bound and unconnected (the kernel's TCP_CLOSE state).
    case listeners
    /// TCP sockets in any state but LISTEN. With `localPorts`, the source may leave out sockets whose local
    /// port is not in the set (a sock_diag filter); the consumer still checks every record.
    case connections(localPorts: PortSet?)
    /// Every socket of the table.
    case everything

    /// The selection's name, for logs.
    public var name: String {
        switch self {
        case .listeners: "listeners"
        case .connections: "connections"
        case .everything: "everything"
        }
    }
}

/// What a read of one table found besides the records: lines or messages it had to skip.
public struct TableReadReport: Sendable, Equatable {
    /// Malformed lines or messages skipped; they changed no count.
    public var skipped = 0
    /// One skipped example (its line or message number and text), for the log.
    public var firstSkipped: (number: Int, text: String)?

    public init(skipped: Int = 0, firstSkipped: (number: Int, text: String)? = nil) {
        self.skipped = skipped
        self.firstSkipped = firstSkipped
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.skipped == rhs.skipped && lhs.firstSkipped?.number == rhs.firstSkipped?.number
            && lhs.firstSkipped?.text == rhs.firstSkipped?.text
    }
}

/// The kind of source, as in the `source` label and `--socket.source`.
public enum SocketSourceKind: String, Sendable, CaseIterable, Comparable {
    /// The kernel's sock_diag netlink interface.
    case netlink
    /// The text tables under `/proc/net`.
    case procfs

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Something that can read the kernel's socket tables and stream their sockets as ``SocketRecord``s.
public protocol SocketSource: Sendable {
    /// The source that reads `table`; a source that falls back per table (``AutoSocketSource``) answers
    /// with the one it uses now.
    func kind(for table: SocketTable) -> SocketSourceKind

    /// Whether reads of `table` honour a ``SocketSelection`` in the kernel (sock_diag), so a collection
    /// asks for each selection it needs; a source that reads every socket whatever is asked (procfs) is
    /// read once per table with ``SocketSelection/everything``.
    func selectsInKernel(_ table: SocketTable) -> Bool

    /// Streams the sockets of `table` that `selection` asks for into `consumer` (a source that does not
    /// select in the kernel may give more). Throws when the table cannot be read, or is still being read
    /// at `deadline`; a source may have given some records before it throws (procfs does; netlink reads
    /// into a copy of the consumer and gives none).
    func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport
}
