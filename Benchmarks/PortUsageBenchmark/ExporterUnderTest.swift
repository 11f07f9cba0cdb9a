/// The exporter binary under test and the command lines of the configurations the benchmark compares.
struct ExporterUnderTest {
    let binary: String
    /// Whether the binary has `--socket.source` (netlink with a procfs fallback). A binary without it reads
    /// /proc only.
    let hasSocketSource: Bool
    /// Flags that turn off the default collectors added after the benchmark's configurations were defined
    /// (owners, changes), those this binary has: the configurations compared with the C reference count
    /// what it counts, plus the exporter's own process metrics.
    let otherCollectorsOff: [String]

    init(binary: String) throws {
        self.binary = binary
        let help = try Subprocess.output([binary, "--help"])
        hasSocketSource = help.contains("--socket.source")
        otherCollectorsOff = ["owners", "changes"].filter { help.contains("--no-collector.\($0)") }
            .map { "--no-collector.\($0)" }
    }

    /// Listener counts only.
    var listenersOnly: [String] { [binary, "--no-collector.connections"] + otherCollectorsOff }
    /// Listeners and connections (netlink, when the binary has it).
    var listenersAndConnections: [String] { [binary] + otherCollectorsOff }
    /// The default flags, when they differ from ``listenersAndConnections``.
    var defaults: [String]? { otherCollectorsOff.isEmpty ? nil : [binary] }
    /// Listeners and connections read from /proc; nil when ``listenersAndConnections`` does that already.
    var procfs: [String]? {
        hasSocketSource ? [binary, "--socket.source=procfs"] + otherCollectorsOff : nil
    }
    /// Listeners and connections on a procfs tree other than /proc, read from its files.
    func procfs(root: String) -> [String] {
        (procfs ?? listenersAndConnections) + ["--path.procfs=\(root)"]
    }
}
