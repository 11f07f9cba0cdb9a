/// The figures the benchmark holds the exporter to; `scripts/bench.sh` exits 1 when one is missed.
enum Budgets {
    /// Listeners only, population b: our scrape over `sockdiag_count listeners`.
    static let listenersToReference = 1.5
    /// Listeners and connections, population b: our scrape over `sockdiag_count both`.
    static let connectionsToReference = 1.0
    /// The procfs source, population a: our scrape over `cat` of the same four tables.
    static let procfsToCat = 1.1
    /// Peak RSS of the exporter (default flags) while it serves population b, in KiB; node_exporter's peak
    /// in the same run is a second limit.
    static let peakRSSKiB = 20 * 1024
}

/// Checks of one run against ``Budgets``, printed as they are made.
struct BudgetCheck {
    private(set) var allMet = true

    mutating func check(_ what: String, _ value: String, limit: String, met: Bool) {
        print("- \(what): \(value) (budget \(limit)): \(met ? "ok" : "OVER BUDGET")")
        allMet = allMet && met
    }

    mutating func ratio(_ what: String, _ value: Double, limit: Double) {
        let shown = "\((value * 1000).rounded() / 1000)x"
        check(what, shown, limit: "<= \(formatRatio(limit))", met: value <= limit)
    }
}
