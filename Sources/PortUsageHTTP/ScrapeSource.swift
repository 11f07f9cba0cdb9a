public import PortUsageCore

/// What the HTTP server needs from the core to answer a scrape: a collection, a fallback for a collection
/// that overruns its timeout, and the collectors' names for the `collect[]`/`exclude[]` filter.
///
/// ``PortUsageCollector`` is the exporter's; the tests serve fakes that read nothing.
public protocol ScrapeSource: Sendable {
    /// The collectors that run, by name.
    var collectorNames: [String] { get }

    /// Every collector this build knows, whether it runs or not: a filter naming one that does not run is
    /// refused as disabled rather than unknown.
    var knownCollectorNames: [String] { get }

    /// Collects now; a read still running at `deadline` fails with a timeout. Runs on the collection
    /// worker, so it may block.
    func collect(deadline: ContinuousClock.Instant?) -> Scrape

    /// Everything but what the socket tables give, with the socket collectors failed for `reason`: the
    /// answer to a scrape whose collection overran its timeout. Runs on its own worker, so it may read
    /// files, but it should not wait on what a stuck collection holds.
    func collectWithoutSockets(because reason: String) -> Scrape
}
