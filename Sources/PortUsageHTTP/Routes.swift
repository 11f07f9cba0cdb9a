import NIOCore
import PortUsageWebConfig

/// What the handlers serve, shared by all connections.
struct Routes: Sendable {
    let telemetryPath: String
    let coalescer: ScrapeCoalescer
    let landingPage: LandingPage
    /// `POST /-/reload`; nil when the lifecycle API is off.
    let reload: MetricsServer.ReloadAction?
    /// Where reloads run: never on the collection worker, so a stuck reload never stalls a scrape.
    let reloadWorker: BlockingWorker
    /// Scrapes and landing pages answered at once (`--web.max-requests`).
    let requests: RequestLimiter
    let health: HealthCheck
    let limits: ServerLimits
    /// Basic auth and the worker its bcrypt runs on; nil when no users are configured.
    let authentication: (BasicAuthenticator, BlockingWorker)?
    /// Added to every response (`http_server_config.headers`).
    let responseHeaders: [ResponseHeader]

    /// The time a scrape may take: the configured timeout, or less when the scraper says it gives up
    /// sooner (`X-Prometheus-Scrape-Timeout-Seconds`, less half a second to answer in time).
    func scrapeTimeout(requested header: String?) -> TimeAmount {
        guard let header, let seconds = Double(header), seconds.isFinite, seconds > 0 else {
            return TimeAmount(limits.scrapeTimeout)
        }
        let wanted = TimeAmount.nanoseconds(Int64(max(0.1, seconds - 0.5) * 1e9))
        return min(wanted, TimeAmount(limits.scrapeTimeout))
    }
}
