/// The exporter binary under test and the command lines of the configurations the benchmark compares.
struct ExporterUnderTest {
    let binary: String
    /// Whether the binary has `--socket.source` (netlink with a procfs fallback). A binary without it reads
    /// /proc only, so its default configuration is already the procfs one.
    let hasSocketSource: Bool

    init(binary: String) throws {
        self.binary = binary
        hasSocketSource = try Subprocess.output([binary, "--help"]).contains("--socket.source")
    }

    /// Listener counts only: `--no-collector.connections`.
    var listenersOnly: [String] { [binary, "--no-collector.connections"] }
    /// The default flags: listeners and connections (netlink, when the binary has it).
    var defaults: [String] { [binary] }
    /// The default collectors read from /proc; nil when that is what ``defaults`` does already.
    var procfs: [String]? { hasSocketSource ? [binary, "--socket.source=procfs"] : nil }
    /// The default collectors on a procfs tree other than /proc, read from its files.
    func procfs(root: String) -> [String] {
        (procfs ?? defaults) + ["--path.procfs=\(root)"]
    }

    /// How the default configuration reads sockets, for row names.
    var defaultSource: String { hasSocketSource ? "auto" : "procfs: this binary has no netlink source" }
}
