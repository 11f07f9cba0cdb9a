/// The exporter's procfs source on generated tables in regular files beside `cat` of them: `cat` pays no
/// kernel formatting there, so this shows our own read and parse cost.
struct SyntheticComparison {
    static let scrapeRow = "our exporter, procfs source: GET /metrics"
    static let catRow = "`cat` of the same files (a process)"

    let lines: Int
    let runs: Int
    var table = ComparisonTable(rows: [])

    init(lines: Int, runs: Int, exporter: ExporterUnderTest) throws {
        self.lines = lines
        self.runs = runs
        let tree = try SyntheticProcfs(lines: lines)
        defer { tree.remove() }
        let server = try RunningServer(exporter.procfs(root: tree.root), readyPath: "/-/ready")
        defer { server.stop() }
        table.rows = [
            ComparisonRow(name: Self.scrapeRow, reference: Self.catRow) { try server.scrape() },
            ComparisonRow(name: Self.catRow, reference: Self.catRow) {
                try Subprocess.run(["cat"] + tree.files)
            },
        ]
        try table.measure(runs: runs)
    }

    func printReport() {
        table.printMarkdown(title: "synthetic procfs, \(grouped(lines)) lines in regular files", runs: runs)
    }
}
