/// The figures of a run as one markdown table for the README.
struct Summary {
    /// The live populations, in the order of the table's columns.
    let runs: [PopulationRun]
    let synthetic: SyntheticComparison
    let namespaces: NamespaceRun?
    let exporter: ExporterUnderTest

    func printMarkdown() {
        print("\n## summary (for the README)\n")
        let columns = runs.map { "population \($0.shape.name): \($0.shape.summary)" }
        print("| | " + columns.joined(separator: " | ") + " |")
        print("|---|" + String(repeating: "---|", count: runs.count))
        var rows: [(String, String)] = [
            ("our scrape, listeners only", PopulationRun.listenersRow),
            ("C sock_diag reference, listeners", PopulationRun.referenceListenersRow),
            ("our scrape, listeners + connections", PopulationRun.connectionsRow),
            ("C sock_diag reference, listeners + connections", PopulationRun.referenceBothRow),
        ]
        if exporter.defaults != nil { rows.append(("our scrape, default flags", PopulationRun.defaultsRow)) }
        if exporter.hasSocketSource {
            rows.append(
                ("our scrape, listeners + connections, `--socket.source=procfs`", PopulationRun.procfsRow))
        }
        rows += [
            ("`ss -tuln`", "`ss -tuln` (a process)"), ("`ss -tan`", "`ss -tan` (a process)"),
            ("`cat /proc/net/{tcp,tcp6,udp,udp6}`", PopulationRun.catRow),
        ]
        for (label, row) in rows {
            print("| \(label) | " + runs.map { cell($0, row) }.joined(separator: " | ") + " |")
        }
        let sources = Set(runs.flatMap(\.exporterTotals.sources)).sorted().joined(separator: ", ")
        print("\nthe listeners + connections configuration read its sockets from: \(sources)")
        for run in runs where run.nodeExporterMemory != nil {
            let peaks = run.memory.map { "\($0.0): \(formatMiB($0.1.peak))" }
            print("peak RSS with population \(run.shape.name) open: " + peaks.joined(separator: "; "))
            if let node = run.nodeExporterMemory {
                print("node_exporter in the same run: \(formatMiB(node.peak))")
            }
        }
        print(
            "synthetic procfs, \(grouped(synthetic.lines)) lines: our scrape "
                + "\(formatMilliseconds(synthetic.table.median(SyntheticComparison.scrapeRow))), cat "
                + "\(formatMilliseconds(synthetic.table.median(SyntheticComparison.catRow)))")
        if let namespaces {
            print(
                "\(namespaces.population): listeners-only scrape with --collector.netns "
                    + "\(formatMilliseconds(namespaces.table.median(NamespaceRun.withRow))), without "
                    + "\(formatMilliseconds(namespaces.table.median(NamespaceRun.withoutRow))); first scrape "
                    + "\(formatMilliseconds(namespaces.firstScrapeSeconds))")
        }
    }

    /// "12.3 ms (1.05x C)": the median and the ratio to the row's reference.
    private func cell(_ run: PopulationRun, _ rowName: String) -> String {
        let row = run.table.rows.first { $0.name == rowName }!
        let to = row.reference == PopulationRun.catRow ? "cat" : "C"
        let ratio = row.reference == row.name ? "" : " (\(formatRatio(run.table.ratio(rowName))) \(to))"
        return formatMilliseconds(row.timing.median) + ratio
    }
}
