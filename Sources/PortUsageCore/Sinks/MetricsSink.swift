/// Somewhere a collection is published other than `/metrics`: a Pushgateway, a textfile. A sink publishes
/// what it is handed and never collects: serve mode hands it the shared collection
/// (``SharedCollection``), the one-shot commands the collection they made.
public protocol MetricsSink: Sendable {
    /// The sink's name in logs: `push`, `textfile`.
    var name: String { get }

    /// What the sink has done so far (attempts, the last duration, the last success), served with every
    /// collection of serve mode.
    var families: [MetricFamily] { get }

    /// Publishes `scrape`; throws when it could not.
    func publish(_ scrape: Scrape) async throws
}
