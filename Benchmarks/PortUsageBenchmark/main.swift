// Measures collection cost against references taken in the same run, and the exporter's peak RSS.
// Run with scripts/bench.sh (release build). Exits 1 when a budget is exceeded.
import Logging
import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    StandardError.write("usage: PortUsageBenchmark <path to port_usage_exporter>\n")
    exit(2)
}
let exporterPath = arguments[1]
let quietLogger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
let catBudget = 1.1
let rssBudgetKiB = 25 * 1024

/// One measured row of a comparison table.
struct Row {
    var name: String
    var timing: Timing
}

/// Times our in-process collection of `procRoot` beside an in-process read and `cat` of the same files,
/// plus any `extra` work; prints the table and returns the median of `cat` and of each row by name.
func compare(title: String, procRoot: String, runs: Int, extra: [(String, () throws -> Void)] = []) throws
    -> [String: Double]
{
    let files = SocketTable.allCases.map { procRoot + "/net/" + $0.rawValue }
    let options = CollectorOptions()
    let source = ProcNetSource(procRoot: procRoot)
    let collector = PortUsageCollector(
        source: source, classifier: PortClassifier(registry: .embedded), options: options,
        buildInfo: BuildInfo(version: "bench", revision: "", swiftVersion: ""), logger: quietLogger)
    let limit = ProcNetSource.defaultMaximumTableBytes
    var bytes = 0
    for file in files { try FileReader.forEachChunk(of: file, limit: limit) { bytes += $0.count } }
    var works: [(String, () throws -> Void)] = [
        (
            "our socket snapshot, in process (read + parse)",
            { _ = SocketSnapshot.take(from: source, demand: options.demand, deadline: nil) }
        ),
        (
            "our whole collection, in process (+ classify, process metrics*, encode)",
            { _ = ExpositionEncoder.encode(collector.collect().families, format: .prometheusText) }
        ),
        (
            "read of the same files, in process (no parse)",
            { for file in files { try FileReader.forEachChunk(of: file, limit: limit) { _ in } } }
        ),
        ("cat", { try Subprocess.run(["cat"] + files) }),
    ]
    works += extra
    let timings = try Timing.interleaved(runs: runs, works.map(\.1))
    let rows = zip(works, timings).map { Row(name: $0.0, timing: $1) }
    let cat = rows.first { $0.name == "cat" }!.timing.median
    print("\n## \(title): \(bytes / 1024) KiB in 4 tables, median of \(runs) runs")
    print("| what | median | min | vs cat |")
    print("|---|---|---|---|")
    for row in rows {
        let name = row.name == "cat" ? "`cat` of the same files (a process)" : row.name
        print(
            "| \(name) | \(formatMilliseconds(row.timing.median)) | \(formatMilliseconds(row.timing.minimum)) | \(formatRatio(row.timing.median / cat)) |"
        )
    }
    return Dictionary(uniqueKeysWithValues: rows.map { ($0.name, $0.timing.median) })
}

do {
    print("# port_usage_exporter benchmark")
    var budgetsMet = true
    for lines in [1000, 100_000] {
        let tree = try SyntheticProcfs(lines: lines)
        defer { tree.remove() }
        _ = try compare(
            title: "synthetic procfs, \(lines) lines (regular files)", procRoot: tree.root,
            runs: lines > 10_000 ? 30 : 300)
        print(
            "(regular files: cat pays no kernel formatting, so this shows our parse cost; the budget is on /proc below)"
        )
    }

    let population = try LoopbackPopulation(listeners: 1000, connections: 10_000)
    let live = try RunningExporter(binary: exporterPath, procRoot: "/proc")
    var bodies: [[UInt8]] = []
    let scrapeRow = "our exporter: GET /metrics over a kept-alive loopback connection, like Prometheus"
    let medians = try compare(
        title: "live /proc: 1,000 listeners and 10,000 loopback connections (21,000 sockets)",
        procRoot: "/proc",
        runs: 30,
        extra: [
            (scrapeRow, { bodies.append(try live.scrape()) }),
            ("`ss -tuan` (a process)", { try Subprocess.run(["ss", "-tuan"]) }),
        ])
    // Parsed after the timed runs: reading 228 KB of text as Characters costs about 10 ms.
    let selfTimed = bodies.map(RunningExporter.collectorSeconds(in:)).sorted()
    let selfMedian = selfTimed[selfTimed.count / 2]
    print(
        "*in process, `process_open_fds` lists this benchmark's own 11,000 client sockets; the exporter has a few"
    )
    let livePeak = live.memoryKiB("VmHWM")
    live.stop()
    population.close()
    let liveRatio = medians[scrapeRow]! / medians["cat"]!
    let snapshotRatio = medians["our socket snapshot, in process (read + parse)"]! / medians["cat"]!
    print(
        "our exporter's /proc scrape / cat of the same files: \(formatRatio(liveRatio)) (budget \(catBudget)x): \(liveRatio <= catBudget ? "ok" : "OVER BUDGET")"
    )
    print(
        "our in-process snapshot / cat: \(formatRatio(snapshotRatio)); the exporter's own read + parse of the 4 tables in those scrapes (its collector durations): \(formatMilliseconds(selfMedian)) = \(formatRatio(selfMedian / medians["cat"]!)) of cat"
    )
    print("exporter peak RSS while scraping it: \(livePeak / 1024) MiB")
    budgetsMet = budgetsMet && liveRatio <= catBudget

    let tree = try SyntheticProcfs(lines: 100_000)
    defer { tree.remove() }
    let exporter = try RunningExporter(binary: exporterPath, procRoot: tree.root)
    let idle = exporter.memoryKiB("VmRSS")
    for _ in 0..<5 {
        try exporter.scrape()
        try exporter.scrape(gzip: true)
    }
    let peak = exporter.memoryKiB("VmHWM")
    let anonymous = exporter.memoryKiB("RssAnon")
    let fileBacked = exporter.memoryKiB("RssFile")
    exporter.stop()
    print("\n## exporter memory, 100,000-line procfs, 10 scrapes (5 plain, 5 gzip)")
    print(
        "idle RSS \(Double(idle * 10 / 1024) / 10) MiB, peak RSS (VmHWM) \(Double(peak * 10 / 1024) / 10) MiB (budget 25 MiB): \(peak <= rssBudgetKiB ? "ok" : "OVER BUDGET")"
    )
    print(
        "after the scrapes: \(Double(anonymous * 10 / 1024) / 10) MiB anonymous, \(Double(fileBacked * 10 / 1024) / 10) MiB file-backed (clean pages of the binary)"
    )
    budgetsMet = budgetsMet && peak <= rssBudgetKiB
    print("\nbudgets: \(budgetsMet ? "all met" : "NOT MET")")
    exit(budgetsMet ? 0 : 1)
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
