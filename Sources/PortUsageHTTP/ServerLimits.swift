/// Bounds on what clients may hold of the server: connections, concurrent requests, time and bytes.
///
/// The defaults follow node_exporter (`--web.max-requests` 40) and nginx (idle keep-alive connections are
/// the first to go when connections run short).
public struct ServerLimits: Sendable, Equatable {
    /// Most open client connections; past it the oldest idle connection is closed to admit a new one.
    public var maxConnections: Int
    /// Most requests served at once (`/metrics` and `/`); more are answered 503. 0 means no limit.
    public var maxRequests: Int
    /// How long a client may take to send a whole request, from its first byte (or from connecting).
    public var headerTimeout: Duration
    /// How long a keep-alive connection may wait for its next request.
    public var idleTimeout: Duration
    /// Most bytes of one request head (request line and headers); past it the answer is 431.
    public var maxHeadBytes: Int
    /// Most bytes of responses a connection may leave unsent before the server stops reading from it.
    public var maxPendingResponseBytes: Int
    /// How long a collection may run before the scrape is answered without the socket collectors; a
    /// shorter `X-Prometheus-Scrape-Timeout-Seconds` from the scraper wins.
    public var scrapeTimeout: Duration

    public init(
        maxConnections: Int = 512, maxRequests: Int = 40, headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60), maxHeadBytes: Int = 16 * 1024,
        maxPendingResponseBytes: Int = 256 * 1024, scrapeTimeout: Duration = .seconds(10)
    ) {
        self.maxConnections = maxConnections
        self.maxRequests = maxRequests
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maxHeadBytes = maxHeadBytes
        self.maxPendingResponseBytes = maxPendingResponseBytes
        self.scrapeTimeout = scrapeTimeout
    }

    /// These limits with at most `available - reserved` connections, so that accepting never runs the
    /// process out of file descriptors (`available` is the soft `RLIMIT_NOFILE`).
    public func fitting(descriptors available: Int, reserved: Int = 64) -> ServerLimits {
        var limits = self
        limits.maxConnections = max(1, min(maxConnections, available - reserved))
        return limits
    }
}
