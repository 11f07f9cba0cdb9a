/// One timed row of a comparison, with the row it is compared with.
struct ComparisonRow {
    var name: String
    /// The name of the row this one is divided by in the ratio column; itself for a reference.
    var reference: String
    var work: () throws -> Void
    var timing = Timing(samples: [])
}

/// Rows timed together (interleaved, so that all see the same machine) and printed as a markdown table.
struct ComparisonTable {
    var rows: [ComparisonRow]

    /// Times every row `runs` times, interleaved round-robin.
    mutating func measure(runs: Int) throws {
        let timings = try Timing.interleaved(runs: runs, rows.map(\.work))
        for index in rows.indices { rows[index].timing = timings[index] }
    }

    func median(_ name: String) -> Double {
        rows.first { $0.name == name }!.timing.median
    }

    /// The median of `name` over the median of its reference.
    func ratio(_ name: String) -> Double {
        let row = rows.first { $0.name == name }!
        return row.timing.median / median(row.reference)
    }

    func printMarkdown(title: String, runs: Int) {
        print("\n## \(title): median of \(runs) runs")
        print("| what | median | min | ratio | to |")
        print("|---|---|---|---|---|")
        for row in rows {
            let to = row.reference == row.name ? "(reference)" : row.reference
            print(
                "| \(row.name) | \(formatMilliseconds(row.timing.median)) | "
                    + "\(formatMilliseconds(row.timing.minimum)) | \(formatRatio(ratio(row.name))) | \(to) |")
        }
    }
}
