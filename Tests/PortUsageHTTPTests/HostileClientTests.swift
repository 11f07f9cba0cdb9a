import NIOConcurrencyHelpers
import PortUsageCore
import PortUsageHTTP
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Clients that hold connections, never finish a request, send too much, or ask too often; scrapes that
/// overrun; reloads that hang. The limits are set low so that each case runs in well under a second.
@Suite("HTTP server limits", .serialized)
struct HostileClientTests {
    @Test func connectionLimitClosesTheOldestIdleConnectionToAdmitAScrape() async throws {
        let fixture = TestServer(limits: ServerLimits(maxConnections: 3))
        try await fixture.withServer { port in
            let idle = try (0..<3).map { _ in try RawHTTPClient.connectAndSend(port: port, "") }
            defer { for fd in idle { close(fd) } }
            usleep(100_000)
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
            #expect(RawHTTPClient.closedByServer(idle[0], withinMilliseconds: 1000))
            #expect(!RawHTTPClient.closedByServer(idle[2], withinMilliseconds: 100))
        }
    }

    @Test func busyConnectionsAreNeverClosedForRoom() async throws {
        let fixture = TestServer(held: true, limits: ServerLimits(maxConnections: 1))
        try await fixture.withServer { port in
            let busy = try RawHTTPClient.connectAndSend(port: port, RawHTTPClient.request("/metrics"))
            defer { close(busy) }
            usleep(100_000)
            let refused = try RawHTTPClient.connectAndSend(port: port, "")
            defer { close(refused) }
            #expect(RawHTTPClient.closedByServer(refused, withinMilliseconds: 1000))
            fixture.source.release()
            #expect(try RawHTTPClient.parse(RawHTTPClient.readToEnd(busy)).status == 200)
        }
    }

    @Test func aRequestThatNeverCompletesIsCutAtTheHeaderTimeout() async throws {
        let fixture = TestServer(limits: ServerLimits(headerTimeout: .milliseconds(300)))
        try await fixture.withServer { port in
            let silent = try RawHTTPClient.connectAndSend(port: port, "")
            let partial = try RawHTTPClient.connectAndSend(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n")
            defer {
                close(silent)
                close(partial)
            }
            #expect(!RawHTTPClient.closedByServer(partial, withinMilliseconds: 150))
            #expect(RawHTTPClient.closedByServer(silent, withinMilliseconds: 1000))
            #expect(RawHTTPClient.closedByServer(partial, withinMilliseconds: 1000))
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() async throws {
        let fixture = TestServer(limits: ServerLimits(idleTimeout: .milliseconds(300)))
        try await fixture.withServer { port in
            let request = "GET /-/ready HTTP/1.1\r\nHost: x\r\n\r\n"
            let fd = try RawHTTPClient.connectAndSend(port: port, request)
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            #expect(recv(fd, &buffer, buffer.count, 0) > 0)
            #expect(!RawHTTPClient.closedByServer(fd, withinMilliseconds: 100))
            #expect(RawHTTPClient.closedByServer(fd, withinMilliseconds: 1000))
        }
    }

    @Test func aClientThatPipelinesAndNeverReadsIsClosedAtTheIdleTimeout() async throws {
        let fixture = TestServer(
            limits: ServerLimits(idleTimeout: .milliseconds(300), maxPendingResponseBytes: 16 * 1024))
        try await fixture.withServer { port in
            let requests = String(repeating: "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", count: 2000)
            let fd = try RawHTTPClient.connectAndSend(port: port, "")
            defer { close(fd) }
            var small: Int32 = 4096
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            let bytes = Array(requests.utf8)
            _ = send(fd, bytes, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            // Unread responses fill the socket buffers; the server gives up on the client after 300 ms.
            let clock = ContinuousClock()
            let start = clock.now
            usleep(100_000)
            #expect(fixture.server.openConnections == 1)
            while fixture.server.openConnections > 0 && clock.now - start < .seconds(6) { usleep(20_000) }
            #expect(fixture.server.openConnections == 0)
            #expect(clock.now - start < .seconds(5))
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
        }
    }

    @Test func anOversizedRequestHeadIsAnswered431() async throws {
        let fixture = TestServer(limits: ServerLimits(maxHeadBytes: 1024))
        try await fixture.withServer { port in
            let padding = String(repeating: "a", count: 2000)
            let raw = try RawHTTPClient.exchange(
                port: port, "GET /metrics HTTP/1.1\r\nX-Pad: \(padding)\r\n\r\n")
            #expect(String(decoding: raw, as: UTF8.self).hasPrefix("HTTP/1.1 431 "))
            let longTarget = try RawHTTPClient.exchange(port: port, "GET /\(padding) HTTP/1.1\r\n\r\n")
            #expect(String(decoding: longTarget, as: UTF8.self).hasPrefix("HTTP/1.1 431 "))
            #expect(try RawHTTPClient.get(port: port, "/metrics", headers: ["X-Small": "1"]).status == 200)
        }
    }

    @Test func requestsPastMaxRequestsAreAnswered503() async throws {
        let fixture = TestServer(held: true, limits: ServerLimits(maxRequests: 1))
        try await fixture.withServer { port in
            let first = try RawHTTPClient.connectAndSend(port: port, RawHTTPClient.request("/metrics"))
            defer { close(first) }
            usleep(100_000)
            let second = try RawHTTPClient.get(port: port, "/metrics")
            #expect(second.status == 503)
            #expect(second.text == "Limit of concurrent requests reached (1), try again later.\n")
            fixture.source.release()
            #expect(try RawHTTPClient.parse(RawHTTPClient.readToEnd(first)).status == 200)
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
        }
    }

    @Test func anOverrunningCollectionIsReportedFailedAndTheRestIsServed() async throws {
        let fixture = TestServer(held: true, limits: ServerLimits(scrapeTimeout: .milliseconds(200)))
        try await fixture.withServer { port in
            let clock = ContinuousClock()
            let start = clock.now
            let response = try RawHTTPClient.get(port: port, "/metrics")
            #expect(clock.now - start < .seconds(2))
            #expect(response.status == 200)
            #expect(
                response.text.contains(
                    "port_usage_scrape_collector_success{collector=\"listeners\"} 0\n"))
            #expect(response.text.contains("port_usage_exporter_build_info{"))
            #expect(!response.text.contains("port_usage_listeners{"))
            // Stuck for more than three scrape timeouts: /-/healthy says so, and still answers at once.
            usleep(500_000)
            let health = try RawHTTPClient.get(port: port, "/-/healthy")
            #expect(health.status == 503)
            #expect(health.text.hasPrefix("Unhealthy: a collection has been running for "))
            fixture.source.release()
            usleep(100_000)
            #expect(try RawHTTPClient.get(port: port, "/-/healthy").status == 200)
            #expect(try RawHTTPClient.get(port: port, "/metrics").text.contains("port_usage_listeners{"))
        }
    }

    @Test func theScrapersTimeoutHeaderShortensTheWait() async throws {
        let fixture = TestServer(held: true)
        try await fixture.withServer { port in
            let clock = ContinuousClock()
            let start = clock.now
            let response = try RawHTTPClient.get(
                port: port, "/metrics", headers: ["X-Prometheus-Scrape-Timeout-Seconds": "0.8"])
            let elapsed = clock.now - start
            #expect(response.status == 200)
            #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(2), "took \(elapsed)")
            #expect(
                response.text.contains("port_usage_scrape_collector_success{collector=\"listeners\"} 0\n"))
        }
    }

    @Test func aStuckReloadNeverStallsAScrape() async throws {
        let reloading = NIOLockedValueBox(false)
        let fixture = TestServer(reload: {
            reloading.withLockedValue { $0 = true }
            usleep(1_500_000)
        })
        try await fixture.withServer { port in
            let reload = try RawHTTPClient.connectAndSend(
                port: port, RawHTTPClient.request("/-/reload", method: "POST"))
            defer { close(reload) }
            while !reloading.withLockedValue({ $0 }) { usleep(10_000) }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
            #expect(clock.now - start < .milliseconds(1000))
            #expect(try RawHTTPClient.parse(RawHTTPClient.readToEnd(reload)).status == 200)
        }
    }

    @Test func reloadIsPostOnlyAndRefusedCrossSite() async throws {
        let fixture = TestServer(reload: {})
        try await fixture.withServer { port in
            let put = try RawHTTPClient.get(port: port, "/-/reload", method: "PUT")
            #expect(put.status == 405)
            #expect(put.headers["allow"] == "POST")
            let foreign = try RawHTTPClient.get(
                port: port, "/-/reload", method: "POST", headers: ["Origin": "http://evil.example"])
            #expect(foreign.status == 403)
            let crossSite = try RawHTTPClient.get(
                port: port, "/-/reload", method: "POST", headers: ["Sec-Fetch-Site": "cross-site"])
            #expect(crossSite.status == 403)
            let sameOrigin = try RawHTTPClient.get(
                port: port, "/-/reload", method: "POST", headers: ["Origin": "http://127.0.0.1"])
            #expect(sameOrigin.status == 200)
            #expect(try RawHTTPClient.get(port: port, "/-/reload", method: "POST").status == 200)
        }
    }

    @Test func absoluteFormTargetsAndSecurityHeaders() async throws {
        let fixture = TestServer()
        try await fixture.withServer { port in
            let absolute = try RawHTTPClient.get(port: port, "http://127.0.0.1:\(port)/metrics?x=1")
            #expect(absolute.status == 200)
            #expect(absolute.text.contains("port_usage_listeners{"))
            let landing = try RawHTTPClient.get(port: port, "HTTP://example/")
            #expect(landing.status == 200)
            #expect(landing.headers["x-content-type-options"] == "nosniff")
            #expect(landing.headers["content-security-policy"]?.hasPrefix("default-src 'none'; ") == true)
        }
    }

    @Test func shutdownFinishesPromptlyWithACollectionStuckInTheKernel() async throws {
        let fixture = TestServer(held: true)
        let addresses = try await fixture.server.start()
        let stuck = try RawHTTPClient.connectAndSend(
            port: addresses[0].port!, RawHTTPClient.request("/metrics"))
        defer { close(stuck) }
        usleep(100_000)
        let clock = ContinuousClock()
        let start = clock.now
        await fixture.server.shutdown()
        #expect(clock.now - start < .seconds(2))
        #expect(RawHTTPClient.closedByServer(stuck, withinMilliseconds: 1000))
        fixture.source.release()
    }
}

@Suite("streamed metrics body", .serialized)
struct StreamedBodyTests {
    /// 20,000 listeners, each with its own series and first/last-seen times: an exposition of several
    /// megabytes, more than the kernel's socket buffers take on loopback here, so the server must wait for
    /// the client to read, and go on when it does.
    static func server(
        collectors: Set<CollectorName> = CollectorName.defaults,
        limits: ServerLimits = ServerLimits(maxPendingResponseBytes: 16 * 1024)
    ) -> TestServer {
        TestServer(
            listeners: FixedListenerSource(ports: 20000...39999),
            options: CollectorOptions(enabled: collectors, tables: [.tcp], maxPortsPerProtocol: 20000),
            limits: limits)
    }

    /// The collectors that make the series the comment above counts; the others would only make the
    /// collection, which these tests do not measure, slower.
    let fixture = server(collectors: [.listeners, .changes])

    @Test func aSlowReaderGetsTheWholeBodyChunked() async throws {
        try await fixture.withServer { port in
            let fd = try RawHTTPClient.connectAndSend(
                port: port, RawHTTPClient.request("/metrics"), receiveBuffer: 4096)
            defer { close(fd) }
            // Once the answer starts, the client stops reading for a while: the server fills the socket
            // buffers and must wait for the client to read, then go on.
            // The collection comes first, however long a loaded machine takes for it.
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            #expect(poll(&ready, 1, 120_000) == 1)
            usleep(500_000)
            let response = try RawHTTPClient.parse(RawHTTPClient.readToEnd(fd))
            #expect(response.status == 200)
            #expect(response.headers["transfer-encoding"] == "chunked")
            #expect(response.headers["content-length"] == nil)
            let lines = response.text.split(separator: "\n")
            let listenerLines = lines.filter { $0.hasPrefix("port_usage_listeners{") }
            #expect(listenerLines.count == 20000)
            #expect(listenerLines.first?.contains("port=\"20000\"") == true)
            #expect(listenerLines.last?.contains("port=\"39999\"") == true)
            #expect(response.text.hasSuffix("\n"))
            // The body ends with a sample of the last family.
            let lastFamily = lines.last { $0.hasPrefix("# TYPE ") }?.split(separator: " ")[2]
            let lastSample = lines.last.map(String.init) ?? ""
            #expect(
                lastFamily != nil
                    && (lastSample.hasPrefix(lastFamily! + " ") || lastSample.hasPrefix(lastFamily! + "{")))
        }
    }

    @Test func headCountsTheLengthOfTheStreamedBody() async throws {
        // Without timestamps, two collections differ only in their durations: a few bytes.
        try await Self.server(collectors: [.listeners]).withServer { port in
            let head = try RawHTTPClient.get(port: port, "/metrics", method: "HEAD")
            let get = try RawHTTPClient.get(port: port, "/metrics")
            #expect(head.body.isEmpty)
            let length = Int(head.headers["content-length"] ?? "") ?? 0
            #expect(abs(length - get.body.count) < 64, "HEAD \(length) vs GET \(get.body.count)")
            #expect(get.body.count > 2_000_000)
        }
    }

    @Test func anHTTP10ClientGetsTheBodyEndedByTheClose() async throws {
        try await fixture.withServer { port in
            let raw = try RawHTTPClient.exchange(port: port, "GET /metrics HTTP/1.0\r\n\r\n")
            let response = try RawHTTPClient.parse(raw)
            #expect(response.status == 200)
            #expect(response.headers["transfer-encoding"] == nil)
            #expect(response.headers["connection"]?.lowercased() == "close")
            #expect(
                response.text.split(separator: "\n").filter { $0.hasPrefix("port_usage_listeners{") }.count
                    == 20000)
        }
    }

    @Test func aClientThatNeverReadsAStreamedBodyIsClosedAtTheIdleTimeout() async throws {
        let fixture = Self.server(
            limits: ServerLimits(idleTimeout: .milliseconds(300), maxPendingResponseBytes: 16 * 1024))
        try await fixture.withServer { port in
            let fd = try RawHTTPClient.connectAndSend(
                port: port, RawHTTPClient.request("/metrics"), receiveBuffer: 4096)
            defer { close(fd) }
            let clock = ContinuousClock()
            let start = clock.now
            while fixture.server.openConnections > 0 && clock.now - start < .seconds(6) { usleep(20_000) }
            #expect(fixture.server.openConnections == 0)
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
        }
    }
}
