import PortUsageCore
import PortUsageHTTP
import Testing

/// What a scraper controls in a `/metrics` request: the scrape-timeout header and the collector filter.
@Suite("scrape request parameters", .serialized)
struct ScrapeRequestTests {
    /// Values that once trapped the conversion to nanoseconds (above about 9.2e9 s, infinity), and others
    /// that are not a positive finite number: each falls back to the configured timeout.
    @Test(arguments: [
        "1e10", "9.3e9", "inf", "-inf", "Infinity", "nan", "-1", "0", "1e400", "", " ", "0x1p70",
        String(repeating: "9", count: 100), "1e-400", "+5e18", "1,5", "9223372036.854775807",
    ])
    func anExtremeTimeoutHeaderFallsBackToTheConfiguredTimeout(value: String) async throws {
        let fixture = TestServer(limits: ServerLimits(scrapeTimeout: .seconds(5)))
        try await fixture.withServer { port in
            let odd = try RawHTTPClient.get(
                port: port, "/metrics", headers: ["X-Prometheus-Scrape-Timeout-Seconds": value])
            #expect(odd.status == 200)
            #expect(odd.text.contains("port_usage_scrape_collector_success{collector=\"listeners\"} 1\n"))
            let normal = try RawHTTPClient.get(port: port, "/metrics")
            #expect(normal.status == 200)
        }
    }

    @Test func aShorterTimeoutHeaderShortensTheScrape() async throws {
        let fixture = TestServer(held: true, limits: ServerLimits(scrapeTimeout: .seconds(30)))
        try await fixture.withServer { port in
            let response = try RawHTTPClient.get(
                port: port, "/metrics", headers: ["X-Prometheus-Scrape-Timeout-Seconds": "0.7"])
            #expect(response.status == 200)
            #expect(
                response.text.contains("port_usage_scrape_collector_success{collector=\"listeners\"} 0\n"))
        }
    }

    @Test func collectKeepsTheNamedCollectorsOnly() async throws {
        try await TestServer().withServer { port in
            let response = try RawHTTPClient.get(
                port: port, "/metrics?collect%5B%5D=listeners&collect[]=process")
            #expect(response.status == 200)
            #expect(response.text.contains("port_usage_listeners{"))
            #expect(response.text.contains("process_resident_memory_bytes"))
            #expect(!response.text.contains("port_usage_connections{"))
            #expect(!response.text.contains("port_usage_listener_changes_total{"))
            let collectors = Self.collectorLabels(response.text)
            #expect(collectors == ["listeners", "process"])
            #expect(response.text.contains("port_usage_exporter_build_info{"))
        }
    }

    @Test func excludeDropsTheNamedCollectors() async throws {
        try await TestServer().withServer { port in
            let response = try RawHTTPClient.get(port: port, "/metrics?exclude[]=listeners")
            #expect(response.status == 200)
            #expect(!response.text.contains("port_usage_listeners{"))
            #expect(response.text.contains("port_usage_listener_changes_total{"))
            #expect(!Self.collectorLabels(response.text).contains("listeners"))
            #expect(Self.collectorLabels(response.text).contains("changes"))
        }
    }

    @Test(arguments: [
        ("/metrics?collect[]=nosuch", "unknown collector 'nosuch'"),
        ("/metrics?exclude[]=nosuch", "unknown collector 'nosuch'"),
        ("/metrics?collect[]=sockets", "disabled collector 'sockets'"),
        (
            "/metrics?collect[]=listeners&exclude[]=process",
            "Combined collect and exclude queries are not allowed"
        ),
    ])
    func refusedFiltersAnswer400WithTheCollectors(path: String, message: String) async throws {
        try await TestServer().withServer { port in
            let response = try RawHTTPClient.get(port: port, path)
            #expect(response.status == 400)
            #expect(response.text.contains(message))
            #expect(
                response.text.contains(
                    "collectors that run: changes, connections, listeners, owners, process"))
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
        }
    }

    /// The `collector` label values of `port_usage_scrape_collector_success`.
    private static func collectorLabels(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("port_usage_scrape_collector_success{collector=\"") else { return nil }
            return line.split(separator: "\"")[1].description
        }
    }
}
