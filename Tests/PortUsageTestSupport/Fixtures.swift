public import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

/// Paths to the committed fixtures, and helpers to make files and socket-table text, for every test target.
public enum Fixtures {
    /// `Fixtures/proc`: `/proc/net/{tcp,tcp6,udp,udp6}` captured on a Debian 12 x86_64 host with a known
    /// set of sockets open (see `Fixtures/README.md`).
    public static var procRoot: String {
        repositoryRoot + "/Tests/PortUsageCoreTests/Fixtures/proc"
    }

    /// The repository's root, found from this source file.
    public static var repositoryRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }

    /// The IANA registry snapshot the embedded registry is generated from, when the `shared` folder is beside
    /// the checkout (a developer's machine; not a fresh clone elsewhere).
    public static var sharedRegistryCSV: String? {
        let path = repositoryRoot + "/../shared/data/iana-service-names-port-numbers.csv"
        return access(path, R_OK) == 0 ? path : nil
    }

    /// A new empty directory under /tmp.
    public static func temporaryDirectory() -> String {
        var template = Array("/tmp/pue-test-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// Writes `bytes` to the file at `path`, created or emptied first.
    public static func write(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        precondition(descriptor >= 0, "open \(path)")
        defer { close(descriptor) }
        precondition(
            bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// Parses `text` as a whole table, alone.
    public static func parse(_ text: String, table: SocketTable) -> ParsedTable {
        var consumer = ParsedTable.Builder()
        let report = Array(text.utf8).withUnsafeBytes {
            ProcNetParser.parse($0, table: table, into: &consumer)
        }
        return consumer.finish(report: report)
    }

    /// One `/proc/net/tcp`-shaped line.
    public static func ipv4Line(
        slot: Int = 0, local: String, localPort: UInt16, remote: String = "00000000", remotePort: UInt16 = 0,
        state: String
    )
        -> String
    {
        "  \(slot): \(local):\(hex4(localPort)) \(remote):\(hex4(remotePort)) \(state) 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0"
    }

    /// One `/proc/net/tcp6`-shaped line.
    public static func ipv6Line(
        slot: Int = 0, local: String, localPort: UInt16, remote: String = String(repeating: "0", count: 32),
        remotePort: UInt16 = 0, state: String
    ) -> String {
        "  \(slot): \(local):\(hex4(localPort)) \(remote):\(hex4(remotePort)) \(state) 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0"
    }

    public static let tcpHeader =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"

    public static func hex4(_ port: UInt16) -> String {
        let digits = String(port, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}
