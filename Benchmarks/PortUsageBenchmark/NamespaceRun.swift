/// The netns collector's cost: listener scrapes with many network namespaces open, with the collector and
/// without it (the host's namespace only), and the first scrape, which creates a sock_diag socket in each
/// namespace.
struct NamespaceRun {
    static let withRow = "our exporter, listeners only, `--collector.netns`: GET /metrics"
    static let withoutRow = "our exporter, listeners only (the host's namespace): GET /metrics"

    let population: String
    let runs: Int
    var table = ComparisonTable(rows: [])
    /// The first scrape of the exporter with the collector: one thread and `setns` per namespace.
    var firstScrapeSeconds = 0.0
    var memory: MemoryFigures?
    /// The namespaces the exporter reported reading over netlink.
    var namespacesRead = ""
    /// The share of one core the default flags with the collector use idle for 10 s: the changes poll
    /// sweeps every namespace each second.
    var idleCPU: [(String, Double)] = []

    init(namespaces: Int, listeners: Int, runs: Int, exporter: ExporterUnderTest) throws {
        self.runs = runs
        let namespacePopulation = try NamespacePopulation(
            namespaces: namespaces, listenersPerNamespace: listeners)
        defer { namespacePopulation.close() }
        population = namespacePopulation.summary
        let with = try RunningServer(exporter.listenersOnly + ["--collector.netns"], readyPath: "/-/ready")
        defer { with.stop() }
        let without = try RunningServer(exporter.listenersOnly, readyPath: "/-/ready")
        defer { without.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let body = String(decoding: try with.scrape(), as: UTF8.self)
        firstScrapeSeconds = (clock.now - start).seconds
        namespacesRead =
            body.split(separator: "\n").first {
                $0.hasPrefix("port_usage_netns_namespaces{status=\"netlink\"}")
            }
            .map(String.init) ?? "(not reported)"
        table.rows = [
            ComparisonRow(name: Self.withRow, reference: Self.withoutRow) { try with.scrape() },
            ComparisonRow(name: Self.withoutRow, reference: Self.withoutRow) { try without.scrape() },
        ]
        try table.measure(runs: runs)
        memory = MemoryFigures(with)
        let polling = try RunningServer([exporter.binary, "--collector.netns"], readyPath: "/-/ready")
        defer { polling.stop() }
        let defaults = try RunningServer([exporter.binary], readyPath: "/-/ready")
        defer { defaults.stop() }
        idleCPU = idleCPUShares(
            [("default flags and `--collector.netns`", polling), ("default flags", defaults)], seconds: 10)
    }

    func printReport() {
        table.printMarkdown(title: population, runs: runs)
        print(
            "first scrape with the collector (a sock_diag socket made in each namespace): "
                + formatMilliseconds(firstScrapeSeconds))
        print("read: \(namespacesRead)")
        if let memory { print("memory with the collector: \(memory.description)") }
        print("CPU while idle for 10 s (the changes poll reads the listeners every second):")
        for (name, share) in idleCPU { print("- \(name): \((share * 1000).rounded() / 10)% of one core") }
    }
}
