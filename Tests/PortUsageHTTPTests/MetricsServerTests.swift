import Logging
import NIOCore
import PortUsageCore
import PortUsageHTTP
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HTTP server", .serialized)
struct MetricsServerTests {
    let fixture = TestServer()

    private func withServer(_ body: (Int) async throws -> Void) async throws {
        try await fixture.withServer(body)
    }

    @Test func metricsInTheTextFormat() async throws {
        try await withServer { port in
            let response = try RawHTTPClient.get(port: port, "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(
                response.text.contains(
                    "port_usage_listeners{protocol=\"tcp\",family=\"ipv4\",port=\"768\",exposure=\"any\",range=\"system\",assignment=\"unassigned\",service=\"\"} 1\n"
                ))
            #expect(!response.text.contains("# EOF"))
        }
    }

    @Test func openMetricsWhenAsked() async throws {
        try await withServer { port in
            let response = try RawHTTPClient.get(
                port: port, "/metrics?x=1", headers: ["Accept": "application/openmetrics-text;version=1.0.0"])
            #expect(response.status == 200)
            #expect(
                response.headers["content-type"]
                    == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(response.text.hasSuffix("# EOF\n"))
        }
    }

    @Test func gzipWhenAccepted() async throws {
        try await withServer { port in
            let plain = try RawHTTPClient.get(port: port, "/metrics")
            let zipped = try RawHTTPClient.get(port: port, "/metrics", headers: ["Accept-Encoding": "gzip"])
            #expect(zipped.status == 200)
            #expect(zipped.headers["content-encoding"] == "gzip")
            #expect(zipped.body.starts(with: [0x1F, 0x8B]))
            #expect(zipped.body.count < plain.body.count / 2)
        }
    }

    @Test func headHasHeadersAndNoBody() async throws {
        try await withServer { port in
            let response = try RawHTTPClient.get(
                port: port, "/metrics", method: "HEAD", headers: ["Accept-Encoding": "gzip"])
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            #expect(Int(response.headers["content-length"] ?? "") ?? 0 > 100)
            #expect(response.headers["content-encoding"] == nil)
        }
    }

    @Test func routesAndMethods() async throws {
        try await withServer { port in
            #expect(try RawHTTPClient.get(port: port, "/-/healthy").status == 200)
            #expect(try RawHTTPClient.get(port: port, "/-/ready").status == 200)
            #expect(try RawHTTPClient.get(port: port, "/nope").status == 404)
            let post = try RawHTTPClient.get(port: port, "/metrics", method: "POST")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            #expect(post.headers["x-content-type-options"] == "nosniff")
            #expect(try RawHTTPClient.get(port: port, "/metrics", method: "DELETE").status == 405)
            let landing = try RawHTTPClient.get(port: port, "/")
            #expect(landing.status == 200)
            #expect(landing.headers["content-type"] == "text/html; charset=utf-8")
            #expect(landing.text.contains("<a href=\"/metrics\">Metrics</a>"))
            #expect(landing.text.contains("Version 9.9.9"))
            #expect(
                landing.text.contains(
                    "<td>768</td><td>tcp</td><td>ipv4</td><td>any</td><td></td><td>system</td><td>unassigned</td><td>1</td>"
                ))
            #expect(landing.text.contains("1 on system ports that IANA has not assigned"))
        }
    }

    @Test func malformedRequestGets400AndTheServerKeepsServing() async throws {
        try await withServer { port in
            for junk in [
                "GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "\u{1}\u{2}\u{3} junk junk\r\n\r\n",
                "GET /metrics HTTP/1.1\r\nBad Header Without Colon\r\n\r\n",
            ] {
                let raw = try RawHTTPClient.exchange(port: port, junk)
                let text = String(decoding: raw, as: UTF8.self)
                #expect(
                    text.hasPrefix("HTTP/1.1 400"), "\(junk.debugDescription) got \(text.debugDescription)")
            }
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
        }
    }

    @Test func concurrentScrapesShareOneCollection() async throws {
        let slow = TestServer(delay: .milliseconds(400))
        try await slow.withServer { port in
            // All five requests are on the wire before any response is read.
            let connections = try (0..<5).map { _ in
                try RawHTTPClient.connectAndSend(port: port, RawHTTPClient.request("/metrics"))
            }
            for fd in connections {
                #expect(try RawHTTPClient.parse(RawHTTPClient.readToEnd(fd)).status == 200)
                close(fd)
            }
            #expect(slow.source.calls.load(ordering: .relaxed) == 1)
            #expect(slow.server.collectionsStarted == 1)
            // The next scrape collects afresh: there is no cache.
            #expect(try RawHTTPClient.get(port: port, "/metrics").status == 200)
            #expect(slow.source.calls.load(ordering: .relaxed) == 2)
        }
    }

    @Test func addressInUseNamesTheAddress() async throws {
        try await withServer { port in
            let second = TestServer(listen: [ListenAddress(host: "127.0.0.1", port: port)])
            await #expect {
                _ = try await second.server.start()
            } throws: { error in
                "\(error)" == "listen tcp 127.0.0.1:\(port): address already in use"
            }
            await second.server.shutdown()
        }
    }
}

@Suite("listen address parsing")
struct ListenAddressTests {
    @Test(
        arguments: [
            (":10768", nil, 10768), ("127.0.0.1:9100", "127.0.0.1", 9100), ("[::1]:10768", "::1", 10768),
            ("localhost:0", "localhost", 0), ("[::]:65535", "::", 65535),
        ] as [(String, String?, Int)])
    func valid(text: String, host: String?, port: Int) {
        #expect(ListenAddress(parsing: text) == ListenAddress(host: host, port: port))
        #expect(ListenAddress(parsing: text)?.description == text)
    }

    @Test(arguments: [
        "", "10768", ":", ":65536", ":-1", "::1:10768", "[::1]10768", "[::1]:", "host:port", "[127.0.0.1]:80",
        ": 80",
    ])
    func invalid(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }
}
