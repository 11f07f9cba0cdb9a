import PortUsageTestSupport
import Testing

@testable import PortUsageCore

/// `NetlinkSocketSource`'s handling of `NLM_F_DUMP_INTR`, with dumps simulated by closures.
@Suite("sock_diag interrupted dump retry")
struct NetlinkDumpRetryTests {
    private static func record(_ port: UInt16) -> SocketRecord {
        SocketRecord(
            transport: .tcp, state: .listen, localAddress: .unspecified(.ipv4), localPort: port,
            remoteAddress: .unspecified(.ipv4), remotePort: 0)
    }

    @Test func anInterruptedDumpIsDiscardedAndRunAgain() throws {
        var consumer = RecordList()
        consumer.consume(Self.record(1))
        var attempts = 0
        let report = try NetlinkSocketSource.retryingInterruptedDump(.tcp, into: &consumer) {
            (attempt) throws(SocketSourceError) in
            attempts += 1
            #expect(attempt.records == [Self.record(1)], "each attempt starts from the consumer as it was")
            attempt.consume(Self.record(attempts == 1 ? 100 : 200))
            return (TableReadReport(skipped: attempts), attempts == 1)
        }
        #expect(attempts == 2)
        #expect(consumer.records == [Self.record(1), Self.record(200)])
        #expect(report.skipped == 2)
    }

    @Test func aSecondInterruptionThrowsAndLeavesTheConsumer() {
        var consumer = RecordList()
        var attempts = 0
        let error = #expect(throws: SocketSourceError.self) {
            try NetlinkSocketSource.retryingInterruptedDump(.udp6, into: &consumer) {
                (attempt) throws(SocketSourceError) in
                attempts += 1
                attempt.consume(Self.record(5))
                return (TableReadReport(), true)
            }
        }
        #expect(error == .interrupted(table: .udp6))
        #expect(attempts == 2)
        #expect(consumer.records.isEmpty)
    }

    @Test func anErrorLeavesTheConsumerAndIsNotRetried() {
        var consumer = RecordList()
        var attempts = 0
        let error = #expect(throws: SocketSourceError.self) {
            try NetlinkSocketSource.retryingInterruptedDump(.tcp6, into: &consumer) {
                (attempt) throws(SocketSourceError) in
                attempts += 1
                attempt.consume(Self.record(5))
                throw .netlink(table: .tcp6, operation: "recvmsg", errno: 105)
            }
        }
        #expect(error == .netlink(table: .tcp6, operation: "recvmsg", errno: 105))
        #expect(attempts == 1)
        #expect(consumer.records.isEmpty)
    }

    @Test func anUninterruptedDumpRunsOnce() throws {
        var consumer = RecordList()
        var attempts = 0
        _ = try NetlinkSocketSource.retryingInterruptedDump(.tcp, into: &consumer) {
            (attempt) throws(SocketSourceError) in
            attempts += 1
            attempt.consume(Self.record(7))
            return (TableReadReport(), false)
        }
        #expect(attempts == 1 && consumer.records == [Self.record(7)])
    }
}
