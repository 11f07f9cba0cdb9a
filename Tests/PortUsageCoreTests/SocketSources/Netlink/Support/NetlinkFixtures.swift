import PortUsageCore
import PortUsageTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The captured sock_diag traffic under `Fixtures/netlink` (see its README.md) and helpers to parse it.
enum NetlinkFixtures {
    /// The netlink port id the capture tool bound its socket to.
    static let portID: UInt32 = 4242

    /// The sequence number of each captured dump.
    static let sequences: [String: UInt32] = [
        "tcp4-listeners": 0x10000, "tcp6-listeners": 0x10001, "udp4-listeners": 0x10002,
        "udp6-listeners": 0x10003, "tcp4-connections": 0x10004, "tcp6-connections": 0x10005,
        "tcp4-everything": 0x10006, "udp4-everything": 0x10007, "udp6-everything": 0x10008,
        "tcp4-connections-17101": 0x10009, "unknown-protocol": 0x1000a,
        "tcp4-listeners-skmeminfo": 0x1000b, "udp4-listeners-skmeminfo": 0x1000c,
    ]

    /// `Tests/PortUsageCoreTests/Fixtures/netlink`.
    static var directory: String {
        Fixtures.repositoryRoot + "/Tests/PortUsageCoreTests/Fixtures/netlink"
    }

    struct MissingFixture: Error { var path: String }

    /// The bytes of `Fixtures/netlink/<name>`.
    static func bytes(_ name: String) throws -> [UInt8] {
        let path = directory + "/" + name
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MissingFixture(path: path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes
    }

    /// The records and the parser's final state after parsing the reply `<name>.bin` as a dump of `table`.
    static func parse(_ name: String, table: SocketTable) throws -> ([SocketRecord], InetDiagReplyParser) {
        let reply = try bytes(name + ".bin")
        var parser = InetDiagReplyParser(table: table, sequence: sequences[name]!, portID: portID)
        var collector = RecordList()
        try reply.withUnsafeBytes { try parser.parse($0, into: &collector) }
        return (collector.records, parser)
    }
}
