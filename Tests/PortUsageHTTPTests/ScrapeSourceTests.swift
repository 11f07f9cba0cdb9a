import Logging
import PortUsageCore
import PortUsageHTTP
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The server over a source that reads nothing: the HTTP layer alone, without the core's collection.
@Suite("HTTP over a fake scrape source", .serialized)
struct ScrapeSourceTests {
    /// Serves `source` on an ephemeral loopback port for `body`, then shuts down.
    static func withServer(
        _ source: FakeScrapeSource, scrapeTimeout: Duration = .seconds(10), _ body: (Int) async throws -> Void
    ) async throws {
        let buildInfo = BuildInfo(version: "1.2.3", revision: "r", swiftVersion: "6")
        let server = MetricsServer(
            configuration: .init(
                listenAddresses: [ListenAddress(host: "127.0.0.1", port: 0)], telemetryPath: "/fake-metrics",
                limits: ServerLimits(scrapeTimeout: scrapeTimeout), shutdownGrace: .milliseconds(500)),
            collector: source, buildInfo: buildInfo, logger: Logger(label: "test"))
        try await withRunning(server, release: source.release, body)
    }

    @Test func theSourcesCollectionIsServedAtTheTelemetryPath() async throws {
        try await Self.withServer(FakeScrapeSource()) { port in
            let response = try RawHTTPClient.get(port: port, "/fake-metrics")
            #expect(response.status == 200)
            #expect(response.text.contains("fake_alpha_value 1\n"))
            #expect(response.text.contains("fake_beta_value 1\n"))
            #expect(response.text.contains("port_usage_scrape_collector_success{collector=\"beta\"} 1\n"))
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 404)
            let landing = try RawHTTPClient.get(port: port, "/")
            #expect(landing.status == 200)
            #expect(landing.text.contains("<a href=\"/fake-metrics\">Metrics</a>"))
            #expect(landing.text.contains("0 listening sockets on 0 series"))
        }
    }

    @Test func theFilterUsesTheSourcesCollectorNames() async throws {
        try await Self.withServer(FakeScrapeSource()) { port in
            let kept = try RawHTTPClient.get(port: port, "/fake-metrics?collect[]=beta")
            #expect(kept.status == 200)
            #expect(!kept.text.contains("fake_alpha_value"))
            #expect(kept.text.contains("fake_beta_value 1\n"))
            #expect(!kept.text.contains("collector=\"alpha\""))
            let disabled = try RawHTTPClient.get(port: port, "/fake-metrics?exclude[]=gamma")
            #expect(disabled.status == 400)
            #expect(disabled.text == "disabled collector 'gamma'; collectors that run: alpha, beta.\n")
        }
    }

    /// The answer to an overrun is collected off the event loop: while it is held, the loop still answers
    /// health checks, and once released the scrape gets it.
    @Test func anOverrunIsAnsweredByTheFallbackOffTheEventLoop() async throws {
        let source = FakeScrapeSource(collectionHeld: true, fallbackHeld: true)
        try await Self.withServer(source, scrapeTimeout: .milliseconds(200)) { port in
            let scrape = try RawHTTPClient.connectAndSend(port: port, RawHTTPClient.request("/fake-metrics"))
            defer { close(scrape) }
            usleep(400_000)
            #expect(try RawHTTPClient.get(port: port, "/-/ready").status == 200)
            source.release()
            let response = try RawHTTPClient.parse(RawHTTPClient.readToEnd(scrape))
            #expect(response.status == 200)
            #expect(response.text.contains("port_usage_scrape_collector_success{collector=\"alpha\"} 0\n"))
            #expect(!response.text.contains("fake_alpha_value"))
            let fallbacks = source.fallbacksTaken
            #expect(fallbacks.count == 1)
            #expect(fallbacks.first?.reason == "timed out after 0.2 s")
            #expect(fallbacks.first?.onEventLoop == false)
        }
    }
}
