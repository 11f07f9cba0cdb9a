import PortUsageCore
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The reply parser on hand-built messages: well-formed, and every kind of lie.
@Suite("sock_diag reply parser on hostile input")
struct InetDiagReplyParserTests {
    typealias Builder = NetlinkMessageBuilder

    private func malformed(_ bytes: [UInt8], table: SocketTable = .tcp) -> String? {
        do {
            _ = try Builder.parse(bytes, table: table)
            return nil
        } catch SocketSourceError.malformedReply(_, let reason) {
            return reason
        } catch {
            return nil
        }
    }

    @Test func aListenerAndItsAttributes() throws {
        var builder = Builder()
        builder.socket(
            Builder.inetDiagMessage(
                family: 10, state: 10, sourcePort: 443,
                source: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [7],
                attributes: [
                    Builder.attribute(type: 8, value: [0]),  // INET_DIAG_SHUTDOWN, skipped
                    Builder.attribute(type: 11, value: [1]),
                    Builder.attribute(type: 21 | 0x8000, value: Builder.native(UInt64(0x1234_5678_9ABC))),
                    Builder.attribute(type: 99, value: [1, 2, 3, 4, 5, 6, 7]),
                ]))
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes, table: .tcp6)
        #expect(
            records == [
                SocketRecord(
                    transport: .tcp, state: .listen,
                    localAddress: IPAddress(family: .ipv6, high: 0x2001_0db8_0000_0000, low: 7),
                    localPort: 443,
                    remoteAddress: .unspecified(.ipv6), remotePort: 0, inode: 4242, uid: 1000, v6only: true,
                    receiveQueue: 1, sendQueue: 128, cgroupID: 0x1234_5678_9ABC)
            ])
        #expect(parser.isDone && parser.report.skipped == 0 && parser.messageCount == 2)
    }

    @Test func ipv4RecordsIgnoreV6Only() throws {
        var builder = Builder()
        builder.socket(
            Builder.inetDiagMessage(
                state: 1, sourcePort: 5000, destinationPort: 6000, source: [10, 0, 0, 1],
                destination: [10, 0, 0, 2],
                attributes: [Builder.attribute(type: 11, value: [1])]))
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.count == 1)
        #expect(records.first?.v6only == nil)
        #expect(records.first?.localAddress == IPAddress(ipv4: 0x0A00_0001))
        #expect(records.first?.remoteAddress == IPAddress(ipv4: 0x0A00_0002))
        #expect(records.first?.remotePort == 6000)
        #expect(!parser.isDone, "no NLMSG_DONE yet")
    }

    /// `INET_DIAG_SKMEMINFO`: `SK_MEMINFO_DROPS` is its ninth word; a shorter array (an older kernel, or
    /// a lie) leaves the drops absent and the socket counted, and one whose `rta_len` lies skips the
    /// message as any attribute does.
    @Test func socketMemoryGivesTheDrops() throws {
        func memory(words: Int, drops: UInt32 = 0xFFFF_FFF0) -> [UInt8] {
            let values = (0..<UInt32(words)).map { $0 == 8 ? drops : 1000 + $0 }
            return Builder.attribute(type: 7, value: values.flatMap(Builder.native))
        }
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 1, attributes: [memory(words: 9)]))
        builder.socket(Builder.inetDiagMessage(sourcePort: 2, attributes: [memory(words: 10, drops: 3)]))
        builder.socket(Builder.inetDiagMessage(sourcePort: 3, attributes: [memory(words: 8)]))
        builder.socket(Builder.inetDiagMessage(sourcePort: 4, attributes: [memory(words: 0)]))
        builder.socket(
            Builder.inetDiagMessage(
                sourcePort: 5,
                attributes: [Builder.attribute(type: 7, value: [UInt8](repeating: 9, count: 35))]))
        builder.socket(Builder.inetDiagMessage(sourcePort: 6))
        builder.socket(
            Builder.inetDiagMessage(
                sourcePort: 7, attributes: [Builder.attribute(type: 7, value: [1, 2, 3, 4], length: 40)]))
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.map(\.localPort) == [1, 2, 3, 4, 5, 6])
        #expect(records.map(\.drops) == [0xFFFF_FFF0, 3, nil, nil, nil, nil])
        #expect(parser.report.skipped == 1, "the attribute whose rta_len runs past the message")
        #expect(parser.report.firstSkipped?.text == "attribute at offset 72 has rta_len 40")
    }

    // MARK: framing lies: thrown

    @Test func lengthShorterThanTheHeaderThrows() {
        var builder = Builder()
        builder.message(type: 20, payload: [UInt8](repeating: 0, count: 72), length: 15)
        #expect(malformed(builder.bytes)?.contains("shorter than its header") == true)
        var zero = Builder()
        zero.message(type: 20, length: 0)
        #expect(malformed(zero.bytes) != nil, "a zero length must not loop forever")
    }

    @Test func lengthPastTheBufferThrows() {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage())
        builder.message(type: 20, payload: Builder.inetDiagMessage(), length: 4000)
        #expect(malformed(builder.bytes)?.contains("past the") == true)
        var huge = Builder()
        huge.message(type: 3, payload: [0, 0, 0, 0], length: .max)
        #expect(malformed(huge.bytes) != nil)
    }

    @Test func trailingBytesShorterThanAHeaderThrow() {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage())
        #expect(malformed(builder.bytes + [1, 2, 3, 4, 5, 6, 7, 8])?.contains("less than a header") == true)
    }

    @Test func misalignedLengthsStepLikeNLMSGNEXT() throws {
        // A NOOP of 17 bytes is followed by 3 padding bytes, then a socket at offset 20.
        var builder = Builder()
        builder.message(type: 1, payload: [9], pad: true)
        builder.socket(Builder.inetDiagMessage(sourcePort: 1))
        // The last message may end without its padding.
        builder.message(type: 1, payload: [9], pad: false)
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.map(\.localPort) == [1])
        #expect(parser.messageCount == 3 && parser.report.skipped == 0)
    }

    @Test func shortErrorMessageThrows() {
        var builder = Builder()
        builder.message(type: 2, payload: [0xFF, 0xFF])
        #expect(malformed(builder.bytes)?.contains("NLMSG_ERROR") == true)
    }

    @Test func impossibleErrorNumbersThrow() {
        for error: Int32 in [1, 5000, -5000, .min] {
            var builder = Builder()
            builder.error(error)
            #expect(malformed(builder.bytes) != nil, "NLMSG_ERROR \(error)")
            var done = Builder()
            done.done(error: error)
            if error < 0 { #expect(malformed(done.bytes) != nil, "NLMSG_DONE \(error)") }
        }
    }

    // MARK: bad payloads: skipped and counted

    @Test func shortInetDiagMessageIsSkipped() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 1))
        builder.socket(Array(Builder.inetDiagMessage()[..<40]))
        builder.socket(Builder.inetDiagMessage(sourcePort: 3))
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.map(\.localPort) == [1, 3])
        #expect(parser.report.skipped == 1)
        #expect(parser.report.firstSkipped?.number == 1)
        #expect(parser.report.firstSkipped?.text == "inet_diag_msg of 40 bytes, less than 72")
    }

    @Test func otherFamilyAndUnknownStatesAreSkipped() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(family: 2))  // IPv4 in an IPv6 dump
        builder.socket(Builder.inetDiagMessage(family: 10, state: 0))
        builder.socket(Builder.inetDiagMessage(family: 10, state: 13))
        builder.socket(Builder.inetDiagMessage(family: 10, state: 255))
        builder.socket(Builder.inetDiagMessage(family: 10, state: 12, sourcePort: 99))
        let (records, parser) = try Builder.parse(builder.bytes, table: .tcp6)
        #expect(records.map(\.state) == [.newSynRecv])
        #expect(parser.report.skipped == 4)
        #expect(parser.report.firstSkipped?.text == "address family 2 in a tcp6 dump")
    }

    @Test func lyingAttributeLengthsSkipTheMessage() throws {
        let lies: [[UInt8]] = [
            Builder.attribute(type: 11, value: [1], length: 2),  // shorter than its header
            Builder.attribute(type: 11, value: [1], length: 0),
            Builder.attribute(type: 11, value: [1], length: 200),  // past the message
            Builder.attribute(type: 11, value: [], length: 4),  // v6only without its byte
            Builder.attribute(type: 21, value: [1, 2, 3, 4]),  // a cgroup id of 4 bytes
        ]
        var builder = Builder()
        for lie in lies {
            builder.socket(
                Builder.inetDiagMessage(
                    family: 10, attributes: [Builder.attribute(type: 8, value: [0]), lie]))
        }
        builder.socket(Builder.inetDiagMessage(family: 10, sourcePort: 7))
        let (records, parser) = try Builder.parse(builder.bytes, table: .tcp6)
        #expect(records.map(\.localPort) == [7])
        #expect(parser.report.skipped == lies.count)
        #expect(parser.report.firstSkipped?.text == "attribute at offset 80 has rta_len 2")
    }

    @Test func trailingBytesShorterThanAnAttributeAreIgnored() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 5) + [0xAA, 0xBB])
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.map(\.localPort) == [5])
        #expect(parser.report.skipped == 0)
    }

    @Test func unknownMessageTypesAreSkippedAndNoopIgnored() throws {
        var builder = Builder()
        builder.message(type: 1)
        builder.message(type: 4, payload: [1, 2, 3, 4])  // NLMSG_OVERRUN
        builder.message(type: 300, payload: [1, 2, 3, 4])
        builder.socket(Builder.inetDiagMessage())
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.count == 1)
        #expect(parser.report.skipped == 2)
        #expect(parser.report.firstSkipped?.number == 1)
        #expect(parser.report.firstSkipped?.text == "unexpected message type 4")
    }

    // MARK: sequence and port id

    @Test func otherSequencesAndPortsAreSkippedNotTrusted() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 1), sequence: 76)
        builder.done(error: -22, sequence: 76)
        builder.message(type: 2, flags: 0, sequence: 78, payload: Builder.native(Int32(-1)))
        builder.message(type: 20, portID: 1, payload: Builder.inetDiagMessage(sourcePort: 2))
        builder.socket(Builder.inetDiagMessage(sourcePort: 3))
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(records.map(\.localPort) == [3])
        #expect(parser.report.skipped == 4)
        #expect(parser.report.firstSkipped?.text == "sequence 76 port 9001, expected sequence 77 port 9001")
        #expect(parser.isDone)
    }

    @Test func noPortIDCheckWhenNoneIsGiven() throws {
        var builder = Builder()
        builder.message(type: 20, portID: 1, payload: Builder.inetDiagMessage())
        var parser = InetDiagReplyParser(table: .tcp, sequence: Builder.sequence, portID: nil)
        var collector = RecordList()
        try builder.bytes.withUnsafeBytes { try parser.parse($0, into: &collector) }
        #expect(collector.records.count == 1)
    }

    // MARK: the end of a dump

    @Test func doneEndsTheDumpAndLaterBytesAreIgnored() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 1))
        builder.done()
        builder.socket(Builder.inetDiagMessage(sourcePort: 2))
        let (records, parser) = try Builder.parse(builder.bytes + [0xFF, 0xFF])
        #expect(records.map(\.localPort) == [1])
        #expect(parser.isDone)
    }

    @Test func doneWithoutPayloadIsSuccess() throws {
        var builder = Builder()
        builder.message(type: 3)
        #expect(try Builder.parse(builder.bytes).1.isDone)
    }

    @Test func doneWithAnErrorThrowsIt() {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage())
        builder.done(error: -EPROTONOSUPPORT)
        var parser = InetDiagReplyParser(table: .udp, sequence: Builder.sequence, portID: Builder.portID)
        var collector = RecordList()
        let error = #expect(throws: SocketSourceError.self) {
            try builder.bytes.withUnsafeBytes { try parser.parse($0, into: &collector) }
        }
        #expect(error == .netlink(table: .udp, operation: "dump", errno: EPROTONOSUPPORT))
        #expect(error?.isUnavailable == true)
        #expect(parser.isDone)
    }

    @Test func errorMessageThrowsItsErrno() {
        var builder = Builder()
        builder.error(-EINVAL)
        var parser = InetDiagReplyParser(table: .tcp6, sequence: Builder.sequence, portID: Builder.portID)
        var collector = RecordList()
        let error = #expect(throws: SocketSourceError.self) {
            try builder.bytes.withUnsafeBytes { try parser.parse($0, into: &collector) }
        }
        #expect(error == .netlink(table: .tcp6, operation: "dump", errno: EINVAL))
        #expect(error?.isUnavailable == false)
        #expect(parser.isDone)
    }

    @Test func acknowledgementEndsTheDump() throws {
        var builder = Builder()
        builder.error(0)
        builder.socket(Builder.inetDiagMessage())
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(parser.isDone && records.isEmpty && parser.report.skipped == 0)
    }

    @Test func dumpInterruptedOnAnyMessageIsReported() throws {
        var builder = Builder()
        builder.socket(Builder.inetDiagMessage(sourcePort: 1))
        builder.socket(Builder.inetDiagMessage(sourcePort: 2), flags: Builder.multi | Builder.dumpInterrupted)
        builder.done()
        let (records, parser) = try Builder.parse(builder.bytes)
        #expect(parser.isInterrupted && parser.isDone)
        #expect(records.count == 2)

        var onDone = Builder()
        onDone.done(flags: Builder.multi | Builder.dumpInterrupted)
        #expect(try Builder.parse(onDone.bytes).1.isInterrupted)

        var foreign = Builder()
        foreign.done(flags: Builder.dumpInterrupted, sequence: 1)
        #expect(try !Builder.parse(foreign.bytes).1.isInterrupted, "another request's flag is not ours")
    }

    @Test func emptyInputDoesNothing() throws {
        let (records, parser) = try Builder.parse([])
        #expect(records.isEmpty && !parser.isDone && parser.messageCount == 0)
    }

    // MARK: arbitrary input

    /// Random bytes and random corruptions of a captured dump: the parser ends, and never gives more
    /// records than it walked messages. (The fuzz target goes further.)
    @Test func randomAndCorruptedInputEnds() throws {
        var generator = LocalPortFilterTests.Generator(state: 42)
        let capture = try NetlinkFixtures.bytes("tcp4-everything.bin")
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = capture
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(
                        in: 0...255, using: &generator)
                }
                bytes.removeLast(Int.random(in: 0...40, using: &generator))
            } else {
                bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in
                    UInt8.random(in: 0...255, using: &generator)
                }
            }
            var parser = InetDiagReplyParser(table: .tcp, sequence: 0x10006, portID: NetlinkFixtures.portID)
            var collector = RecordList()
            do {
                try bytes.withUnsafeBytes { try parser.parse($0, into: &collector) }
            } catch {
                // A thrown error is an acceptable end.
            }
            #expect(collector.records.count == parser.recordCount)
            #expect(parser.recordCount + parser.report.skipped <= parser.messageCount)
        }
    }
}
