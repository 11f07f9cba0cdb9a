/// The outcome of one collector during a scrape.
public struct CollectorOutcome: Sendable, Equatable {
    public var collector: String
    public var success: Bool
    public var durationSeconds: Double

    public init(collector: String, success: Bool, durationSeconds: Double) {
        self.collector = collector
        self.success = success
        self.durationSeconds = durationSeconds
    }
}

/// Everything one collection produced: the metric families for the sinks, and the classified listeners for
/// human-facing views (the landing page).
public struct Scrape: Sendable {
    public var families: [MetricFamily]
    public var listeners: [ListenerSeries]
    /// The owners of the listeners, when the `owners` collector runs.
    public var owners: [ListenerOwnership]
    /// The accept queue and drops of each of ``listeners`` (in the same order), when the `saturation`
    /// collector runs; else empty.
    public var saturation: [ListenerSaturation]
    /// What the policy in force said of ``listeners``; nil without a policy file.
    public var judgement: PolicyJudgement?
    public var outcomes: [CollectorOutcome]
    /// The positions in ``families`` of each collector's families; the families outside them (the
    /// exporter's own, the sinks' and the policy's) belong to no collector.
    public var collectorFamilies: [String: Range<Int>] = [:]

    public init(
        families: [MetricFamily], listeners: [ListenerSeries] = [], owners: [ListenerOwnership] = [],
        saturation: [ListenerSaturation] = [], judgement: PolicyJudgement? = nil,
        outcomes: [CollectorOutcome] = [],
        collectorFamilies: [String: Range<Int>] = [:]
    ) {
        self.families = families
        self.listeners = listeners
        self.owners = owners
        self.saturation = saturation
        self.judgement = judgement
        self.outcomes = outcomes
        self.collectorFamilies = collectorFamilies
    }

    /// The scrape as if only `collectors` had run, as node_exporter answers `collect[]`: the families of
    /// the other collectors are left out, and so are their samples of the per-collector series
    /// (`port_usage_scrape_collector_success` and `..._duration_seconds`).
    public func keeping(collectors: Set<String>) -> Scrape {
        var dropped = RangeSet<Int>()
        for (collector, range) in collectorFamilies where !collectors.contains(collector) {
            dropped.insert(contentsOf: range)
        }
        var result = self
        result.families = families.indices.filter { !dropped.contains($0) }.map { index in
            var family = families[index]
            if Self.perCollectorFamilies.contains(family.name) {
                family.samples.removeAll { sample in
                    sample.labels.contains { $0.name == "collector" && !collectors.contains($0.value) }
                }
            }
            return family
        }
        result.outcomes = outcomes.filter { collectors.contains($0.collector) }
        result.collectorFamilies = [:]
        return result
    }

    /// The exporter's families with one sample per collector.
    static let perCollectorFamilies: Set<String> = [
        "port_usage_scrape_collector_success", "port_usage_scrape_collector_duration_seconds",
    ]
}
