// Measures the exporter against what the kernel can do (a C sock_diag reference), `ss` and `cat` of
// /proc/net on live loopback populations, and its peak RSS against node_exporter's. Run with
// scripts/bench.sh (release build). Exits 1 when a budget is exceeded.
#if canImport(Glibc)
    import Glibc
#endif

let arguments = CommandLine.arguments
if arguments.count > 1 && arguments[1] == ClientHelpers.flag {
    ClientHelpers.runHelper(arguments.dropFirst(2))
}
if arguments.count > 1 && arguments[1] == NamespacePopulation.flag {
    NamespacePopulation.runHelper(arguments.dropFirst(2))
}
/// `--hold [a|b|c]`: opens population b (or the one named) and keeps it open until standard input ends, to
/// look at an exporter by hand.
if arguments.count > 1 && arguments[1] == "--hold" {
    do {
        let shape = arguments.count > 2 ? PopulationShape.named(arguments[2]) ?? .large : .large
        let population = try LoopbackPopulation(shape)
        print("population \(shape.name) open (\(shape.summary)); close standard input to end it")
        fflush(nil)
        HelperProcess.answerReadyAndHold()
        population.close()
        exit(0)
    } catch {
        print("error: \(error)")
        exit(1)
    }
}

/// `--memory [b|c]`: the memory figures of populations b and c (or the one named) only, from a few scrapes
/// (a quick check while changing what the exporter keeps resident); no timing, no budget.
let memoryOnly = arguments.count > 1 && arguments[1] == "--memory"
var positional = Array(arguments.dropFirst(memoryOnly ? 2 : 1))
var memoryShapes: [PopulationShape] = [.large, .huge]
if memoryOnly, let first = positional.first, let shape = PopulationShape.named(first) {
    memoryShapes = [shape]
    positional.removeFirst()
}
guard positional.count == 2 || positional.count == 3 else {
    print(
        "usage: PortUsageBenchmark [--memory [a|b|c]] <port_usage_exporter> <sockdiag_count> "
            + "[prometheus-node-exporter]")
    exit(2)
}

do {
    let exporter = try ExporterUnderTest(binary: positional[0])
    let reference = positional[1]
    let nodeExporter = positional.count == 3 ? positional[2] : nil
    print("# port_usage_exporter benchmark")
    print("exporter: \(exporter.binary)")
    if memoryOnly {
        for shape in memoryShapes {
            print("\n## population \(shape.name): \(shape.summary)")
            try PopulationRun(
                shape, runs: 3, exporter: exporter, reference: reference, nodeExporter: nodeExporter
            )
            .printMemory()
        }
        exit(0)
    }

    let small = try PopulationRun(
        .small, runs: 30, exporter: exporter, reference: reference, nodeExporter: nil)
    small.printReport()
    let large = try PopulationRun(
        .large, runs: 15, exporter: exporter, reference: reference, nodeExporter: nodeExporter)
    large.printReport()
    let huge = try PopulationRun(
        .huge, runs: 5, exporter: exporter, reference: reference, nodeExporter: nodeExporter)
    huge.printReport()
    let synthetic = try SyntheticComparison(lines: 100_000, runs: 30, exporter: exporter)
    synthetic.printReport()
    var namespaces: NamespaceRun?
    if let reason = NamespacePopulation.unavailableReason {
        print("\n## network namespaces: skipped, \(reason)")
    } else {
        namespaces = try NamespaceRun(namespaces: 50, listeners: 20, runs: 30, exporter: exporter)
        namespaces?.printReport()
    }

    print("\n## budgets")
    var budgets = BudgetCheck()
    budgets.ratio(
        "b: listeners only, our scrape / `sockdiag_count listeners`",
        large.table.ratio(PopulationRun.listenersRow), limit: Budgets.listenersToReference)
    budgets.ratio(
        "b: listeners + connections, our scrape / `sockdiag_count both`",
        large.table.ratio(PopulationRun.connectionsRow), limit: Budgets.connectionsToReference)
    let procfsRow = exporter.hasSocketSource ? PopulationRun.procfsRow : PopulationRun.connectionsRow
    budgets.ratio(
        "a: procfs source, our scrape / `cat` of the four tables",
        small.table.median(procfsRow) / small.table.median(PopulationRun.catRow), limit: Budgets.procfsToCat)
    let (peakName, peak) = large.budgetedPeak
    budgets.check(
        "b: peak RSS, \(peakName)", formatMiB(peak),
        limit: "<= \(formatMiB(Budgets.peakRSSKiB))", met: peak <= Budgets.peakRSSKiB)
    for run in [large, huge] {
        let (name, peak) = run.budgetedPeak
        if let node = run.nodeExporterMemory {
            budgets.check(
                "\(run.shape.name): peak RSS, \(name), vs node_exporter's", formatMiB(peak),
                limit: "<= node_exporter's \(formatMiB(node.peak))", met: peak <= node.peak)
        } else {
            print("- \(run.shape.name): node_exporter not given: its peak RSS was not measured")
        }
    }

    Summary(runs: [small, large, huge], synthetic: synthetic, namespaces: namespaces, exporter: exporter)
        .printMarkdown()
    print("\nbudgets: \(budgets.allMet ? "all met" : "NOT MET")")
    exit(budgets.allMet ? 0 : 1)
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
