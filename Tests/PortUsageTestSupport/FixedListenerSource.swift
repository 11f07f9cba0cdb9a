public import PortUsageCore

/// A source whose `tcp` table holds listeners bound to every address, by default one on 768 (an
/// unassigned system port); its other tables are empty.
public struct FixedListenerSource: SocketSource {
    /// The listening ports, one listener each.
    public let ports: ClosedRange<UInt16>

    public init(ports: ClosedRange<UInt16> = 768...768) {
        self.ports = ports
    }

    public func kind(for table: SocketTable) -> SocketSourceKind { .procfs }

    public func selectsInKernel(_ table: SocketTable) -> Bool { false }

    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        if table == .tcp {
            for port in ports {
                consumer.consume(
                    SocketRecord(
                        transport: .tcp, state: .listen, localAddress: .unspecified(.ipv4), localPort: port,
                        remoteAddress: .unspecified(.ipv4), remotePort: 0))
            }
        }
        return TableReadReport()
    }
}
