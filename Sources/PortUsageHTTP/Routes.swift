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
    /// sooner (`X-Prometheus-Scrape-Timeout-Seconds`, less half a second to answer in time). A value that
    /// is not a positive finite number, or is longer than the configured timeout, leaves the configured
    /// one: the header is compared before any conversion, so no value can overflow it.
    func scrapeTimeout(requested header: String?) -> TimeAmount {
        let configured = TimeAmount(limits.scrapeTimeout)
        guard let header, header.utf8.count <= 32, let seconds = Double(header), seconds.isFinite,
            seconds > 0,
            seconds < Double(configured.nanoseconds) / 1e9
        else {
            return configured
        }
        return min(.nanoseconds(Int64(max(0.1, seconds - 0.5) * 1e9)), configured)
    }
}
