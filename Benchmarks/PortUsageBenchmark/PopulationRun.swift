#if canImport(Glibc)
    import Glibc
#endif

/// Memory of one server process after the timed scrapes, in KiB.
struct MemoryFigures {
    var peak: Int
    var anonymous: Int
    var fileBacked: Int

    init(_ server: RunningServer) {
        peak = server.memoryKiB("VmHWM")
        anonymous = server.memoryKiB("RssAnon")
        fileBacked = server.memoryKiB("RssFile")
    }

    var description: String {
        "peak RSS (VmHWM) \(formatMiB(peak)); now \(formatMiB(anonymous)) anonymous + "
            + "\(formatMiB(fileBacked)) file-backed"
    }
}

/// The timed comparison on one live loopback population: our exporter in its configurations beside the C
/// sock_diag reference, `ss` and `cat` of /proc/net, all interleaved in one run.
struct PopulationRun {
    static let listenersRow = "our exporter, listeners only: GET /metrics"
    static let referenceListenersRow = "C `sockdiag_count listeners` (a process)"
    static let connectionsRow = "our exporter, listeners + connections: GET /metrics"
    static let referenceBothRow = "C `sockdiag_count both` (a process)"
    static let defaultsRow = "our exporter, default flags (every default collector): GET /metrics"
    static let procfsRow = "our exporter, listeners + connections, `--socket.source=procfs`: GET /metrics"
    static let catRow = "`cat /proc/net/{tcp,tcp6,udp,udp6}` (a process)"

    let shape: PopulationShape
    let runs: Int
    var table = ComparisonTable(rows: [])
    /// Peak and current memory of each exporter configuration, by row name.
    var memory: [(String, MemoryFigures)] = []
    var exporterTotals = ScrapeTotals(exposition: [])
    var referenceTotals = ScrapeTotals(exposition: [])
    /// The exporter's command line of each configuration, by row name.
    var commandLines: [(String, [String])] = []
    /// node_exporter's memory after a few scrapes with this population open, when asked for.
    var nodeExporterMemory: MemoryFigures?
    /// The share of one core each configuration used idle for 10 s: the changes poll's cost.
    var idleCPU: [(String, Double)] = []

    /// Opens the population, measures, and closes it again.
    init(
        _ shape: PopulationShape, runs: Int, exporter: ExporterUnderTest, reference: String,
        nodeExporter: String?
    ) throws {
        self.shape = shape
        self.runs = runs
        let clock = ContinuousClock()
        let start = clock.now
        let population = try LoopbackPopulation(shape)
        defer { population.close() }
        print("\nopened \(shape.summary) in \(formatMilliseconds((clock.now - start).seconds))")
        fflush(nil)  // progress, also into a pipe

        let listenersOnly = try RunningServer(exporter.listenersOnly, readyPath: "/-/ready")
        defer { listenersOnly.stop() }
        let connections = try RunningServer(exporter.listenersAndConnections, readyPath: "/-/ready")
        defer { connections.stop() }
        let defaults = try exporter.defaults.map { try RunningServer($0, readyPath: "/-/ready") }
        defer { defaults?.stop() }
        let procfs = try exporter.procfs.map { try RunningServer($0, readyPath: "/-/ready") }
        defer { procfs?.stop() }
        var lastBody: [UInt8] = []
        let files = ProcNetTable.files(under: "/proc")
        table.rows = [
            ComparisonRow(name: Self.listenersRow, reference: Self.referenceListenersRow) {
                try listenersOnly.scrape()
            },
            ComparisonRow(name: Self.referenceListenersRow, reference: Self.referenceListenersRow) {
                try Subprocess.run([reference, "listeners"])
            },
            ComparisonRow(name: Self.connectionsRow, reference: Self.referenceBothRow) {
                lastBody = try connections.scrape()
            },
            ComparisonRow(name: Self.referenceBothRow, reference: Self.referenceBothRow) {
                try Subprocess.run([reference, "both"])
            },
        ]
        if let defaults {
            table.rows.append(
                ComparisonRow(name: Self.defaultsRow, reference: Self.referenceBothRow) {
                    try defaults.scrape()
                })
        }
        if let procfs {
            table.rows.append(
                ComparisonRow(name: Self.procfsRow, reference: Self.catRow) { try procfs.scrape() })
        }
        table.rows += [
            ComparisonRow(name: "`ss -tuln` (a process)", reference: Self.referenceListenersRow) {
                try Subprocess.run(["ss", "-tuln"])
            },
            ComparisonRow(name: "`ss -tan` (a process)", reference: Self.referenceBothRow) {
                try Subprocess.run(["ss", "-tan"])
            },
            ComparisonRow(name: Self.catRow, reference: Self.catRow) { try Subprocess.run(["cat"] + files) },
        ]
        commandLines = [
            (Self.listenersRow, exporter.listenersOnly),
            (Self.connectionsRow, exporter.listenersAndConnections),
        ]
        if let defaults = exporter.defaults { commandLines.append((Self.defaultsRow, defaults)) }
        if let procfs = exporter.procfs { commandLines.append((Self.procfsRow, procfs)) }
        try table.measure(runs: runs)
        exporterTotals = ScrapeTotals(exposition: lastBody)
        referenceTotals = ScrapeTotals(reference: try Subprocess.output([reference, "both"]))

        var servers = [(Self.listenersRow, listenersOnly), (Self.connectionsRow, connections)]
        if let defaults { servers.append((Self.defaultsRow, defaults)) }
        if let procfs { servers.append((Self.procfsRow, procfs)) }
        for (name, server) in servers {
            for _ in 0..<3 { try server.scrape(gzip: true) }
            memory.append((name, MemoryFigures(server)))
        }
        idleCPU = idleCPUShares(servers, seconds: 10)
        if let nodeExporter {
            let node = try RunningServer([nodeExporter], readyPath: "/")
            defer { node.stop() }
            for _ in 0..<5 { try node.scrape() }
            nodeExporterMemory = MemoryFigures(node)
        }
    }

    /// The peak RSS of the configuration the memory budget is on: the default flags.
    var budgetedPeak: (name: String, kib: Int) {
        let name = memory.contains { $0.0 == Self.defaultsRow } ? Self.defaultsRow : Self.connectionsRow
        return (name, memory.first { $0.0 == name }!.1.peak)
    }

    /// The memory of each configuration, and node_exporter's when measured.
    func printMemory() {
        print("\nmemory after \(runs + 3) plain and 3 gzip scrapes:")
        for (name, figures) in memory { print("- \(name): \(figures.description)") }
        if let nodeExporterMemory {
            print(
                "- node_exporter (Debian's prometheus-node-exporter, default collectors, 5 scrapes): "
                    + nodeExporterMemory.description)
        }
    }

    func printReport() {
        table.printMarkdown(title: "live loopback population \(shape.name): \(shape.summary)", runs: runs)
        print("\nconfigurations (each also gets `--web.listen-address=127.0.0.1:<free port>`):")
        for (name, arguments) in commandLines {
            print("- \(name): `\(arguments.dropFirst().joined(separator: " "))`")
        }
        let sources = exporterTotals.sources.sorted().joined(separator: ", ")
        print(
            "the listeners + connections exporter read its sockets from: \(sources.isEmpty ? "(not reported)" : sources)"
        )
        print("counted in its last scrape: \(exporterTotals.description)")
        print("counted by `sockdiag_count both`: \(referenceTotals.description)")
        printMemory()
        print("\nCPU while idle for 10 s (no scrapes; the default flags poll the listeners every second):")
        for (name, share) in idleCPU {
            print("- \(name): \((share * 1000).rounded() / 10)% of one core")
        }
        fflush(nil)
    }
}
