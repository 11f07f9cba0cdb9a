// Placeholder until the sock_diag source lands: reports every table unavailable, so `auto` falls back.
public struct NetlinkSocketSource: SocketSource {
    public init() {}
    public func kind(for table: SocketTable) -> SocketSourceKind { .netlink }
    public func selectsInKernel(_ table: SocketTable) -> Bool { true }
    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        throw .netlink(table: table, operation: "socket", errno: 97)
    }
}
