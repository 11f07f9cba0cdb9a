public import PortUsageCore

/// A source whose `tcp` table holds one listener, on 768 (an unassigned system port) bound to every
/// address; its other tables are empty.
public struct FixedListenerSource: SocketSource {
    public init() {}

    public func kind(for table: SocketTable) -> SocketSourceKind { .procfs }

    public func selectsInKernel(_ table: SocketTable) -> Bool { false }

    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        if table == .tcp {
            consumer.consume(
                SocketRecord(
                    transport: .tcp, state: .listen, localAddress: .unspecified(.ipv4), localPort: 768,
                    remoteAddress: .unspecified(.ipv4), remotePort: 0))
        }
        return TableReadReport()
    }
}
