/// Somewhere a collection is published other than `/metrics`: a Pushgateway, a textfile.
public protocol MetricsSink: Sendable {
    /// The sink's name in logs: `push`, `textfile`.
    var name: String { get }

    /// Collects once and publishes the result; throws when it could not.
    func publish() async throws
}
