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
    static let listenersRow = "our exporter, listeners only (`--no-collector.connections`): GET /metrics"
    static let referenceListenersRow = "C `sockdiag_count listeners` (a process)"
    static let defaultsRow = "our exporter, default flags (listeners + connections): GET /metrics"
    static let referenceBothRow = "C `sockdiag_count both` (a process)"
    static let procfsRow = "our exporter, `--socket.source=procfs` (default collectors): GET /metrics"
    static let catRow = "`cat /proc/net/{tcp,tcp6,udp,udp6}` (a process)"

    let shape: PopulationShape
    let runs: Int
    var table = ComparisonTable(rows: [])
    /// Peak and current memory of each exporter configuration, by row name.
    var memory: [(String, MemoryFigures)] = []
    var exporterTotals = ScrapeTotals(exposition: [])
    var referenceTotals = ScrapeTotals(exposition: [])
    /// node_exporter's memory after a few scrapes with this population open, when asked for.
    var nodeExporterMemory: MemoryFigures?

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
        let defaults = try RunningServer(exporter.defaults, readyPath: "/-/ready")
        defer { defaults.stop() }
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
            ComparisonRow(
                name: Self.defaultsRow + " (\(exporter.defaultSource))", reference: Self.referenceBothRow
            ) { lastBody = try defaults.scrape() },
            ComparisonRow(name: Self.referenceBothRow, reference: Self.referenceBothRow) {
                try Subprocess.run([reference, "both"])
            },
        ]
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
        try table.measure(runs: runs)
        exporterTotals = ScrapeTotals(exposition: lastBody)
        referenceTotals = ScrapeTotals(reference: try Subprocess.output([reference, "both"]))

        let servers = [(Self.listenersRow, listenersOnly), (table.rows[2].name, defaults)]
        for (name, server) in servers + (procfs.map { [(Self.procfsRow, $0)] } ?? []) {
            for _ in 0..<3 { try server.scrape(gzip: true) }
            memory.append((name, MemoryFigures(server)))
        }
        if let nodeExporter {
            let node = try RunningServer([nodeExporter], readyPath: "/")
            defer { node.stop() }
            for _ in 0..<5 { try node.scrape() }
            nodeExporterMemory = MemoryFigures(node)
        }
    }

    /// The row of the default configuration (its name carries the socket source).
    var defaultsRowName: String { table.rows[2].name }

    func printReport() {
        table.printMarkdown(title: "live loopback population \(shape.name): \(shape.summary)", runs: runs)
        let sources = exporterTotals.sources.sorted().joined(separator: ", ")
        print("\nthe default exporter read its sockets from: \(sources.isEmpty ? "(not reported)" : sources)")
        print("counted in its last scrape: \(exporterTotals.description)")
        print("counted by `sockdiag_count both`: \(referenceTotals.description)")
        print("\nmemory after \(runs + 3) plain and 3 gzip scrapes:")
        for (name, figures) in memory { print("- \(name): \(figures.description)") }
        if let nodeExporterMemory {
            print(
                "- node_exporter (Debian's prometheus-node-exporter, default collectors, 5 scrapes): "
                    + nodeExporterMemory.description)
        }
        fflush(nil)
    }
}
