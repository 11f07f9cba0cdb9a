import NIOCore
import NIOHTTP1
import PortUsageCore

/// The routes that answer from a collection: the metrics and the landing page. Both count against
/// `--web.max-requests` and share collections through the coalescer.
struct ScrapeEndpoints: Sendable {
    let coalescer: ScrapeCoalescer
    let landingPage: LandingPage
    /// Scrapes and landing pages answered at once (`--web.max-requests`).
    let requests: RequestLimiter
    /// The configured scrape timeout (`--web.scrape-timeout`).
    let configuredTimeout: Duration

    /// The exposition in the format the client accepts, of the collectors its `collect[]`/`exclude[]`
    /// parameters select (400 when they name collectors that do not run).
    func metrics(_ request: Route.Request, respond: @escaping Route.Respond) {
        let format = ExpositionFormat.negotiate(accept: request.head.headers.first(name: "Accept"))
        let source = coalescer.source
        let selection: CollectorFilter.Selection
        do {
            selection = try CollectorFilter.selection(
                for: request.target, enabled: source.collectorNames, known: source.knownCollectorNames)
        } catch {
            return respond(.plain(.badRequest, error.message + "\n"))
        }
        scrape(request, respond: respond) { scrape in
            var scrape = scrape
            if case .only(let collectors) = selection { scrape = scrape.keeping(collectors: collectors) }
            return Response(
                status: .ok, contentType: format.contentType,
                body: .exposition(ExpositionStream(scrape.families, format: format)))
        }
    }

    /// The HTML page with the listeners found now.
    func landing(_ request: Route.Request, respond: @escaping Route.Respond) {
        scrape(request, respond: respond) { [landingPage] scrape in
            Response(
                status: .ok, contentType: "text/html; charset=utf-8",
                body: .bytes(ByteBuffer(string: landingPage.render(scrape))),
                headers: ["Content-Security-Policy": LandingPage.contentSecurityPolicy])
        }
    }

    /// Answers with `render` of a collection, or 503 when `--web.max-requests` are in progress.
    private func scrape(
        _ request: Route.Request, respond: @escaping Route.Respond,
        render: @escaping @Sendable (Scrape) -> Response
    ) {
        guard requests.enter() else {
            return respond(
                .plain(
                    .serviceUnavailable,
                    "Limit of concurrent requests reached (\(requests.limit)), try again later.\n"))
        }
        let timeout = self.timeout(
            requested: request.head.headers.first(name: "X-Prometheus-Scrape-Timeout-Seconds"))
        coalescer.scrape(on: request.eventLoop, timeout: timeout) { [requests] scrape in
            requests.leave()
            respond(render(scrape))
        }
    }

    /// The time a scrape may take: the configured timeout, or less when the scraper says it gives up
    /// sooner (`X-Prometheus-Scrape-Timeout-Seconds`, less half a second to answer in time). A value that
    /// is not a positive finite number, or is longer than the configured timeout, leaves the configured
    /// one: the header is compared before any conversion, so no value can overflow it.
    func timeout(requested header: String?) -> TimeAmount {
        let configured = TimeAmount(configuredTimeout)
        guard let header, header.utf8.count <= 32, let seconds = Double(header), seconds.isFinite,
            seconds > 0,
            seconds < Double(configured.nanoseconds) / 1e9
        else {
            return configured
        }
        return min(.nanoseconds(Int64(max(0.1, seconds - 0.5) * 1e9)), configured)
    }
}
