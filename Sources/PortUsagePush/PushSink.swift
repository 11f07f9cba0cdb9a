public import PortUsageCore

/// Publishes collections to a Pushgateway group.
public struct PushSink: MetricsSink {
    public let name = "push"
    public let pusher: Pusher

    public init(pusher: Pusher) {
        self.pusher = pusher
    }

    public var families: [MetricFamily] { pusher.statistics.families() }

    /// Encodes `scrape` off the cooperative pool, then pushes it with retries; throws ``PushError`` when
    /// every attempt failed.
    public func publish(_ scrape: Scrape) async throws {
        let families = scrape.families
        let body = await pusher.lane.run { Pusher.body(of: families) }
        try await pusher.push(body)
    }
}
