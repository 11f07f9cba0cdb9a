/// The outcome of one collector during a scrape.
public struct CollectorOutcome: Sendable, Equatable {
    public var collector: String
    public var success: Bool
    public var durationSeconds: Double
}

/// Everything one collection produced: the metric families for the sinks, and the classified listeners for
/// human-facing views (the landing page).
public struct Scrape: Sendable {
    public var families: [MetricFamily]
    public var listeners: [ListenerSeries]
    /// The owners of the listeners, when the `owners` collector runs.
    public var owners: [ListenerOwnership]
    /// The policy in force when collected; nil without a policy file.
    public var policy: PortPolicy?
    public var outcomes: [CollectorOutcome]
}
