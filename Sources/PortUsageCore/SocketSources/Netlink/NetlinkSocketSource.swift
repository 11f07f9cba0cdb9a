import Synchronization

/// Reads the socket tables through the kernel's sock_diag netlink interface (`NETLINK_SOCK_DIAG`,
/// `SOCK_DIAG_BY_FAMILY` dumps of `inet_diag`), which selects sockets by state, and by local port with
/// a bytecode filter, in the kernel.
///
/// One socket is opened on the first read and reused; reads are serialized by a mutex (a collection reads
/// the tables one after the other anyway). Nothing needs a capability.
///
/// A read sends one dump request and walks the replies with ``InetDiagReplyParser``. When the kernel
/// flags the dump as interrupted by concurrent changes (`NLM_F_DUMP_INTR`), the read discards what it
/// gave and dumps the table once more; a second interruption throws
/// ``SocketSourceError/interrupted(table:)``. A consumer is changed only by a read that succeeds: the
/// read works on a copy and assigns it back at the end (consumers are values).
public final class NetlinkSocketSource: SocketSource {
    /// The default receive buffer: twice the kernel's largest dump batch (32 KiB).
    public static let defaultBufferSize = 64 * 1024
    /// The default `SO_RCVBUF` asked for; the kernel caps it at `net.core.rmem_max` for unprivileged users.
    public static let defaultSocketBufferSize = 1 << 20

    private let channel: Locked<SockDiagChannel>

    /// A source whose socket receives into a buffer of `bufferSize` bytes (at least 256; a buffer smaller
    /// than the kernel's batches fails reads as truncated) with `SO_RCVBUF` of `socketBufferSize`.
    public convenience init(
        bufferSize: Int = defaultBufferSize, socketBufferSize: Int = defaultSocketBufferSize
    ) {
        self.init(bufferSize: bufferSize, socketBufferSize: socketBufferSize, opener: openSockDiagSocket)
    }

    /// A source whose sockets are made by `opener`: in another network namespace, for instance.
    init(bufferSize: Int, socketBufferSize: Int, opener: @escaping SockDiagSocketOpener) {
        channel = Locked(
            SockDiagChannel(bufferSize: bufferSize, socketBufferSize: socketBufferSize, opener: opener))
    }

    /// Closes the source's socket now rather than when the source is released; a later read opens a new
    /// one.
    func close() {
        channel.withLock { $0.close() }
    }

    public func kind(for table: SocketTable) -> SocketSourceKind { .netlink }

    public func selectsInKernel(_ table: SocketTable) -> Bool { true }

    /// Dumps `table`'s sockets in the states `selection` asks for (``SockDiagStates``), with the
    /// extensions of ``SockDiagRequest/extensions(for:)`` and a ``LocalPortFilter`` for
    /// ``SocketSelection/connections(localPorts:)``.
    ///
    /// `.connections(localPorts:)` with an empty set returns at once with no records and no system call:
    /// no socket can be on a port of the empty set.
    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        let start = ContinuousClock.now
        let states = SockDiagStates.mask(for: selection, transport: table.transport)
        var bytecode: [UInt8] = []
        if case .connections(let ports?) = selection {
            if ports.isEmpty { return TableReadReport() }
            bytecode = LocalPortFilter(ports: ports)?.bytecode ?? []
        }
        return try channel.withLock { (channel: inout SockDiagChannel) throws(SocketSourceError) in
            try Self.retryingInterruptedDump(table, into: &consumer) { (attempt) throws(SocketSourceError) in
                let sequence = channel.takeSequence()
                let request = SockDiagRequest.encode(
                    table: table, states: states, sequence: sequence,
                    extensions: SockDiagRequest.extensions(for: selection), bytecode: bytecode)
                let parser = try channel.dump(
                    table, request: request, sequence: sequence, deadline: deadline, start: start,
                    into: &attempt)
                return (parser.report, parser.isInterrupted)
            }
        }
    }

    /// Runs `dump` into a batch of `consumer` (``SocketRecordConsumer/batch()``) and adds the batch to it
    /// when the dump completes without `NLM_F_DUMP_INTR`; after an interrupted dump, runs it once more
    /// into a new batch. Throws
    /// ``SocketSourceError/interrupted(table:)`` when the second dump is interrupted too. On any error
    /// `consumer` is left as it was.
    static func retryingInterruptedDump<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, into consumer: inout Consumer,
        dump: (inout Consumer) throws(SocketSourceError) -> (report: TableReadReport, interrupted: Bool)
    ) throws(SocketSourceError) -> TableReadReport {
        for _ in 0..<2 {
            var attempt = consumer.batch()
            let (report, interrupted) = try dump(&attempt)
            if !interrupted {
                consumer.absorb(attempt)
                return report
            }
        }
        throw .interrupted(table: table)
    }
}
