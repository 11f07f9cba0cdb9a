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
guard arguments.count == 3 || arguments.count == 4 else {
    print("usage: PortUsageBenchmark <port_usage_exporter> <sockdiag_count> [prometheus-node-exporter]")
    exit(2)
}

do {
    let exporter = try ExporterUnderTest(binary: arguments[1])
    let reference = arguments[2]
    let nodeExporter = arguments.count == 4 ? arguments[3] : nil
    print("# port_usage_exporter benchmark")
    print("exporter: \(exporter.binary)")

    let small = try PopulationRun(
        .small, runs: 30, exporter: exporter, reference: reference, nodeExporter: nil)
    small.printReport()
    let large = try PopulationRun(
        .large, runs: 15, exporter: exporter, reference: reference, nodeExporter: nodeExporter)
    large.printReport()
    let synthetic = try SyntheticComparison(lines: 100_000, runs: 30, exporter: exporter)
    synthetic.printReport()

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
    if let node = large.nodeExporterMemory {
        budgets.check(
            "b: peak RSS, \(peakName), vs node_exporter's", formatMiB(peak),
            limit: "<= node_exporter's \(formatMiB(node.peak))", met: peak <= node.peak)
    } else {
        print("- node_exporter not given: its peak RSS was not measured")
    }

    Summary(small: small, large: large, synthetic: synthetic, exporter: exporter).printMarkdown()
    print("\nbudgets: \(budgets.allMet ? "all met" : "NOT MET")")
    exit(budgets.allMet ? 0 : 1)
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
