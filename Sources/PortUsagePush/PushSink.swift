public import PortUsageCore

/// Publishes each collection to a Pushgateway group.
public struct PushSink: MetricsSink {
    public let name = "push"
    public let pusher: Pusher
    private let collector: PortUsageCollector

    public init(pusher: Pusher, collector: PortUsageCollector) {
        self.pusher = pusher
        self.collector = collector
    }

    /// Collects off the cooperative pool, then pushes with retries; throws ``PushError`` when every
    /// attempt failed.
    public func publish() async throws {
        let collector = collector
        let body = await runBlocking { Pusher.body(of: collector.collect().families) }
        try await pusher.push(body)
    }
}
