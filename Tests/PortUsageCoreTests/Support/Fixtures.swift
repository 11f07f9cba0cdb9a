import PortUsageCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Paths to the committed fixtures and helpers to parse text as a socket table.
enum Fixtures {
    /// `Fixtures/proc`: `/proc/net/{tcp,tcp6,udp,udp6}` captured on a Debian 12 x86_64 host with a known
    /// set of sockets open (see `Fixtures/README.md`).
    static var procRoot: String {
        repositoryRoot + "/Tests/PortUsageCoreTests/Fixtures/proc"
    }

    /// The repository's root, found from this source file.
    static var repositoryRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/")
    }

    /// A new empty directory under /tmp.
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/pue-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// Writes `bytes` to a new file at `path`.
    static func write(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0, "open \(path)")
        defer { close(descriptor) }
        precondition(
            bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// Parses `text` as a whole table.
    static func parse(_ text: String, table: SocketTable, tracksConnections: Bool = true) -> SocketTableCounts
    {
        Array(text.utf8).withUnsafeBytes {
            ProcNetParser.parse($0, table: table, tracksConnections: tracksConnections)
        }
    }

    /// One `/proc/net/tcp`-shaped line.
    static func ipv4Line(
        slot: Int = 0, local: String, localPort: UInt16, remote: String = "00000000", remotePort: UInt16 = 0,
        state: String
    )
        -> String
    {
        "  \(slot): \(local):\(hex4(localPort)) \(remote):\(hex4(remotePort)) \(state) 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0"
    }

    /// One `/proc/net/tcp6`-shaped line.
    static func ipv6Line(
        slot: Int = 0, local: String, localPort: UInt16, remote: String = String(repeating: "0", count: 32),
        remotePort: UInt16 = 0, state: String
    ) -> String {
        "  \(slot): \(local):\(hex4(localPort)) \(remote):\(hex4(remotePort)) \(state) 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0"
    }

    static let tcpHeader =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"

    static func hex4(_ port: UInt16) -> String {
        let digits = String(port, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
