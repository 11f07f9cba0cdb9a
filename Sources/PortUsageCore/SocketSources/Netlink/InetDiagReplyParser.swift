/// Parses the replies to one sock_diag dump request: a straight walk over the received bytes that hands
/// each socket to a ``SocketRecordConsumer`` as a ``SocketRecord``, without allocating per message.
///
/// Feed it each received datagram in order with ``parse(_:into:)`` until ``isDone``. Rules:
///
/// - Framing: each `nlmsghdr` must have `16 <= nlmsg_len <= bytes left`; the next message starts at
///   `nlmsg_len` rounded up to 4 (as `NLMSG_NEXT` and the kernel's `netlink_rcv_skb` step), or at the
///   end of the data. A length that breaks this leaves no way to find the next message: the parser throws
///   ``SocketSourceError/malformedReply(table:reason:)``.
/// - A message whose sequence number or port id is not the request's is skipped and counted in
///   ``report``, whatever its type: it belongs to another (earlier) request and is not trusted.
/// - `SOCK_DIAG_BY_FAMILY` messages carry a `struct inet_diag_msg` and attributes. One that is too short,
///   of the other address family, in an unknown state, or with an attribute whose `rta_len` lies, is
///   skipped and counted in ``report`` (its number is the message's index in the dump, from 0). Unknown
///   attributes are ignored; `INET_DIAG_SKV6ONLY` gives ``SocketRecord/v6only``,
///   `INET_DIAG_CGROUP_ID` ``SocketRecord/cgroupID`` and `INET_DIAG_SKMEMINFO` ``SocketRecord/drops``.
///   An `INET_DIAG_SKMEMINFO` too short to hold `SK_MEMINFO_DROPS` leaves the drops absent and the socket
///   counted, as `ss` prints it without `d`: kernels older than that word send fewer, which is no lie.
/// - `NLMSG_DONE` ends the dump; its `int` payload, when negative, is an error (thrown as
///   ``SocketSourceError/netlink(table:operation:errno:)`` with operation "dump").
/// - `NLMSG_ERROR` ends the dump: an `error` of 0 is an acknowledgement, a negative one is thrown the same
///   way. A payload too short to hold the error is a framing error.
/// - `NLM_F_DUMP_INTR` on any message of the request sets ``isInterrupted``: the dump may be inconsistent
///   and the reader should run it again.
/// - Messages of other types are skipped and counted; `NLMSG_NOOP` is ignored.
///
/// Any input ends in bounded time (every step moves forward by at least 4 bytes) and memory (the
/// description of the first skipped message is the only allocation).
public struct InetDiagReplyParser: Sendable {
    /// The table that was dumped: the transport of every record, the address family every message must have.
    public let table: SocketTable
    /// The request's sequence number.
    public let sequence: UInt32
    /// The requesting socket's netlink port id, checked on every message; nil checks none.
    public let portID: UInt32?

    /// Messages skipped so far, and the first of them.
    public private(set) var report = TableReadReport()
    /// Whether a message of this request carried `NLM_F_DUMP_INTR`.
    public private(set) var isInterrupted = false
    /// Whether the dump has ended (`NLMSG_DONE` or `NLMSG_ERROR`); later bytes are not looked at.
    public private(set) var isDone = false
    /// Messages walked so far, of any sequence and type.
    public private(set) var messageCount = 0
    /// Records handed to the consumer so far.
    public private(set) var recordCount = 0

    private let family: UInt8

    public init(table: SocketTable, sequence: UInt32, portID: UInt32?) {
        self.table = table
        self.sequence = sequence
        self.portID = portID
        self.family = table.family == .ipv4 ? SockDiagLayout.familyIPv4 : SockDiagLayout.familyIPv6
    }

    /// Parses the messages in `bytes` (one datagram, or several concatenated), handing each socket to
    /// `consumer`, until the data or the dump ends.
    ///
    /// Throws ``SocketSourceError/malformedReply(table:reason:)`` for framing that cannot be trusted and
    /// ``SocketSourceError/netlink(table:operation:errno:)`` when the kernel ended the dump with an error.
    public mutating func parse<Consumer: SocketRecordConsumer>(
        _ bytes: UnsafeRawBufferPointer, into consumer: inout Consumer
    ) throws(SocketSourceError) {
        var offset = 0
        while offset < bytes.count && !isDone {
            let remaining = bytes.count - offset
            guard remaining >= SockDiagLayout.headerSize else {
                throw malformed("\(remaining) bytes after message \(messageCount - 1), less than a header")
            }
            let length = Int(
                bytes.load(nativeAt: offset + SockDiagLayout.headerLengthOffset, as: UInt32.self))
            guard length >= SockDiagLayout.headerSize else {
                throw malformed("message \(messageCount): nlmsg_len \(length) is shorter than its header")
            }
            guard length <= remaining else {
                throw malformed(
                    "message \(messageCount): nlmsg_len \(length) is past the \(remaining) bytes left")
            }
            let index = messageCount
            messageCount += 1
            try handleMessage(
                UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]), index: index,
                into: &consumer)
            offset += min(SockDiagLayout.align(length), remaining)
        }
    }

    /// Counts something skipped outside any message (a datagram from another sender), described by `text`.
    mutating func noteSkipped(number: Int, _ text: @autoclosure () -> String) {
        report.skipped += 1
        if report.firstSkipped == nil { report.firstSkipped = (number, text()) }
    }

    private mutating func handleMessage<Consumer: SocketRecordConsumer>(
        _ message: UnsafeRawBufferPointer, index: Int, into consumer: inout Consumer
    ) throws(SocketSourceError) {
        let type = message.load(nativeAt: SockDiagLayout.headerTypeOffset, as: UInt16.self)
        let flags = message.load(nativeAt: SockDiagLayout.headerFlagsOffset, as: UInt16.self)
        let messageSequence = message.load(nativeAt: SockDiagLayout.headerSequenceOffset, as: UInt32.self)
        let messagePortID = message.load(nativeAt: SockDiagLayout.headerPortIDOffset, as: UInt32.self)
        guard messageSequence == sequence && (portID == nil || messagePortID == portID) else {
            skip(.foreign(sequence: messageSequence, portID: messagePortID), index: index)
            return
        }
        if flags & SockDiagLayout.flagDumpInterrupted != 0 { isInterrupted = true }
        let payload = UnsafeRawBufferPointer(rebasing: message[SockDiagLayout.headerSize...])
        switch type {
        case SockDiagLayout.typeSockDiagByFamily:
            if let reason = parseSocket(payload, into: &consumer) { skip(reason, index: index) }
        case SockDiagLayout.typeDone:
            isDone = true
            // Kernels have always sent the int; a shorter payload is read as success.
            guard payload.count >= 4 else { return }
            let error = payload.load(nativeAt: 0, as: Int32.self)
            guard error < 0 else { return }
            throw try kernelError(error, in: "NLMSG_DONE")
        case SockDiagLayout.typeError:
            isDone = true
            guard payload.count >= 4 else {
                throw malformed("message \(index): NLMSG_ERROR of \(payload.count) bytes has no error number")
            }
            let error = payload.load(nativeAt: 0, as: Int32.self)
            if error == 0 { return }  // an acknowledgement
            throw try kernelError(error, in: "NLMSG_ERROR")
        case SockDiagLayout.typeNoop:
            return
        default:
            skip(.type(type), index: index)
        }
    }

    /// The error a negative kernel error number stands for; throws for a number no kernel sends.
    private func kernelError(_ error: Int32, in kind: String) throws(SocketSourceError) -> SocketSourceError {
        guard error < 0 && error > -4096 else { throw malformed("\(kind) with error number \(error)") }
        return .netlink(table: table, operation: "dump", errno: -error)
    }

    /// Parses one `inet_diag_msg` and its attributes and hands the socket to `consumer`; returns why it
    /// was skipped instead, if it was.
    private mutating func parseSocket<Consumer: SocketRecordConsumer>(
        _ payload: UnsafeRawBufferPointer, into consumer: inout Consumer
    ) -> SkipReason? {
        guard payload.count >= SockDiagLayout.messageSize else { return .shortMessage(payload.count) }
        let messageFamily = payload[SockDiagLayout.messageFamilyOffset]
        guard messageFamily == family else { return .family(messageFamily) }
        let stateNumber = payload[SockDiagLayout.messageStateOffset]
        guard let state = SocketState(rawValue: stateNumber) else { return .state(stateNumber) }

        var v6only: Bool?
        var cgroupID: UInt64?
        var drops: UInt32?
        var offset = SockDiagLayout.messageSize
        while payload.count - offset >= SockDiagLayout.attributeHeaderSize {
            let length = Int(payload.load(nativeAt: offset, as: UInt16.self))
            let type = payload.load(nativeAt: offset + 2, as: UInt16.self) & SockDiagLayout.attributeTypeMask
            guard length >= SockDiagLayout.attributeHeaderSize && length <= payload.count - offset else {
                return .attributeLength(offset: offset, length: length)
            }
            let valueLength = length - SockDiagLayout.attributeHeaderSize
            let value = offset + SockDiagLayout.attributeHeaderSize
            switch type {
            case SockDiagLayout.attributeV6Only:
                guard valueLength >= 1 else { return .shortAttribute(type: type, length: valueLength) }
                if family == SockDiagLayout.familyIPv6 { v6only = payload[value] != 0 }
            case SockDiagLayout.attributeCgroupID:
                guard valueLength >= 8 else { return .shortAttribute(type: type, length: valueLength) }
                cgroupID = payload.load(nativeAt: value, as: UInt64.self)
            case SockDiagLayout.attributeSocketMemory:
                // Kernels older than the drops word send fewer words: no drops, and nothing wrong.
                let dropsOffset = SockDiagLayout.socketMemoryDropsOffset
                guard valueLength >= dropsOffset + 4 else { break }
                drops = payload.load(nativeAt: value + dropsOffset, as: UInt32.self)
            default:
                break
            }
            offset += SockDiagLayout.align(length)
        }

        let record = SocketRecord(
            transport: table.transport, state: state,
            localAddress: address(payload, at: SockDiagLayout.messageSourceAddressOffset),
            localPort: payload.load(bigEndianAt: SockDiagLayout.messageSourcePortOffset, as: UInt16.self),
            remoteAddress: address(payload, at: SockDiagLayout.messageDestinationAddressOffset),
            remotePort: payload.load(
                bigEndianAt: SockDiagLayout.messageDestinationPortOffset, as: UInt16.self),
            inode: UInt64(payload.load(nativeAt: SockDiagLayout.messageInodeOffset, as: UInt32.self)),
            uid: payload.load(nativeAt: SockDiagLayout.messageUIDOffset, as: UInt32.self),
            v6only: v6only,
            receiveQueue: payload.load(nativeAt: SockDiagLayout.messageReceiveQueueOffset, as: UInt32.self),
            sendQueue: payload.load(nativeAt: SockDiagLayout.messageSendQueueOffset, as: UInt32.self),
            cgroupID: cgroupID, drops: drops)
        recordCount += 1
        consumer.consume(record)
        return nil
    }

    /// The address of the dump's family in the 16 bytes at `offset` (network order).
    @inline(__always)
    private func address(_ payload: UnsafeRawBufferPointer, at offset: Int) -> IPAddress {
        if family == SockDiagLayout.familyIPv4 {
            return IPAddress(ipv4: payload.load(bigEndianAt: offset, as: UInt32.self))
        }
        return IPAddress(
            family: .ipv6, high: payload.load(bigEndianAt: offset, as: UInt64.self),
            low: payload.load(bigEndianAt: offset + 8, as: UInt64.self))
    }

    private mutating func skip(_ reason: SkipReason, index: Int) {
        report.skipped += 1
        if report.firstSkipped == nil { report.firstSkipped = (index, describe(reason)) }
    }

    private func describe(_ reason: SkipReason) -> String {
        switch reason {
        case .foreign(let sequence, let portID):
            return "sequence \(sequence) port \(portID), expected sequence \(self.sequence)"
                + (self.portID.map { " port \($0)" } ?? "")
        case .type(let type): return "unexpected message type \(type)"
        case .shortMessage(let length):
            return "inet_diag_msg of \(length) bytes, less than \(SockDiagLayout.messageSize)"
        case .family(let family): return "address family \(family) in a \(table.rawValue) dump"
        case .state(let state): return "unknown socket state \(state)"
        case .attributeLength(let offset, let length):
            return "attribute at offset \(offset) has rta_len \(length)"
        case .shortAttribute(let type, let length): return "attribute \(type) of \(length) bytes is too short"
        }
    }

    private func malformed(_ reason: String) -> SocketSourceError {
        .malformedReply(table: table, reason: reason)
    }

    /// Why a well-framed message was skipped, kept as numbers until it is described.
    private enum SkipReason {
        case foreign(sequence: UInt32, portID: UInt32)
        case type(UInt16)
        case shortMessage(Int)
        case family(UInt8)
        case state(UInt8)
        case attributeLength(offset: Int, length: Int)
        case shortAttribute(type: UInt16, length: Int)
    }
}
