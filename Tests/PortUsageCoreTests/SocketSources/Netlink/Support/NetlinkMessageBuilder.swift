import PortUsageCore
import PortUsageTestSupport

/// Builds netlink datagrams by hand, well-formed or lying, for the reply parser's tests. Integers are in
/// native byte order like the kernel's, ports and addresses in network order.
struct NetlinkMessageBuilder {
    static let sequence: UInt32 = 77
    static let portID: UInt32 = 9001
    /// `NLM_F_MULTI`, which the kernel sets on every message of a dump.
    static let multi: UInt16 = 0x2
    static let dumpInterrupted: UInt16 = 0x10

    private(set) var bytes: [UInt8] = []

    /// Appends one message. `length` overrides `nlmsg_len`; the message is padded to 4 bytes unless
    /// `pad` is false.
    mutating func message(
        type: UInt16, flags: UInt16 = multi, sequence: UInt32 = sequence, portID: UInt32 = portID,
        payload: [UInt8] = [], length: UInt32? = nil, pad: Bool = true
    ) {
        bytes += Self.native(length ?? UInt32(16 + payload.count))
        bytes += Self.native(type)
        bytes += Self.native(flags)
        bytes += Self.native(sequence)
        bytes += Self.native(portID)
        bytes += payload
        if pad { while bytes.count % 4 != 0 { bytes.append(0) } }
    }

    /// Appends a `SOCK_DIAG_BY_FAMILY` message for `payload`.
    mutating func socket(_ payload: [UInt8], flags: UInt16 = multi, sequence: UInt32 = sequence) {
        message(type: 20, flags: flags, sequence: sequence, payload: payload)
    }

    /// Appends `NLMSG_DONE` with `error` as its payload.
    mutating func done(error: Int32 = 0, flags: UInt16 = multi, sequence: UInt32 = sequence) {
        message(type: 3, flags: flags, sequence: sequence, payload: Self.native(error))
    }

    /// Appends `NLMSG_ERROR` with `error` followed by a copy of a request header.
    mutating func error(_ error: Int32) {
        message(type: 2, flags: 0, payload: Self.native(error) + [UInt8](repeating: 0, count: 16))
    }

    /// A `struct inet_diag_msg` and its attributes.
    static func inetDiagMessage(
        family: UInt8 = 2, state: UInt8 = 10, sourcePort: UInt16 = 8080, destinationPort: UInt16 = 0,
        source: [UInt8] = [127, 0, 0, 1], destination: [UInt8] = [], receiveQueue: UInt32 = 1,
        sendQueue: UInt32 = 128, uid: UInt32 = 1000, inode: UInt32 = 4242,
        attributes: [[UInt8]] = []
    ) -> [UInt8] {
        var bytes: [UInt8] = [family, state, 0, 0]
        bytes += big(sourcePort) + big(destinationPort)
        bytes += source + [UInt8](repeating: 0, count: 16 - source.count)
        bytes += destination + [UInt8](repeating: 0, count: 16 - destination.count)
        bytes += native(UInt32(1)) + native(UInt64(0xDEAD_BEEF))  // idiag_if, idiag_cookie
        bytes += native(UInt32(0))  // idiag_expires
        bytes += native(receiveQueue) + native(sendQueue) + native(uid) + native(inode)
        for attribute in attributes { bytes += attribute }
        return bytes
    }

    /// One attribute, padded to 4 bytes; `length` overrides `rta_len`.
    static func attribute(type: UInt16, value: [UInt8], length: UInt16? = nil) -> [UInt8] {
        var bytes = native(length ?? UInt16(4 + value.count)) + native(type) + value
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    static func native<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    static func big<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// Parses `bytes` as the dump of `table` requested with ``sequence`` by ``portID``.
    static func parse(_ bytes: [UInt8], table: SocketTable = .tcp) throws -> (
        [SocketRecord], InetDiagReplyParser
    ) {
        var parser = InetDiagReplyParser(table: table, sequence: sequence, portID: portID)
        var collector = RecordList()
        try bytes.withUnsafeBytes { try parser.parse($0, into: &collector) }
        return (collector.records, parser)
    }
}
