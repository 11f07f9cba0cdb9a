import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

/// The built exporter binary, started on a free loopback port and stopped with SIGTERM.
final class RunningExporter {
    let pid: pid_t
    let port: Int
    private var connection: HTTPConnection?

    init(binary: String, procRoot: String) throws {
        let population = try LoopbackPopulation(listeners: 1, connections: 0)
        port = population.ports[0]
        population.close()
        pid = try Subprocess.start(
            [binary, "--path.procfs=\(procRoot)", "--web.listen-address=127.0.0.1:\(port)"],
            logPath: "/tmp/port-usage-bench-exporter-\(port).log")
        for _ in 0..<200 {
            if let ready = try? HTTPConnection(port: port), (try? ready.get("/-/ready")) != nil {
                connection = ready
                return
            }
            usleep(50_000)
        }
        stop()
        throw Subprocess.Failure(
            description: "exporter did not start; see /tmp/port-usage-bench-exporter-\(port).log")
    }

    /// Scrapes `/metrics` over the kept-alive connection, optionally asking for gzip; returns the body.
    @discardableResult
    func scrape(gzip: Bool = false) throws -> [UInt8] {
        try connection!.get("/metrics", headers: gzip ? "Accept-Encoding: gzip\r\n" : "")
    }

    /// The sum of the socket collectors' own durations in a scrape (`port_usage_scrape_collector_duration_seconds`
    /// of tcp, tcp6, udp and udp6), in seconds.
    static func collectorSeconds(in response: [UInt8]) -> Double {
        let text = String(decoding: response, as: UTF8.self)
        let tables = Set(
            SocketTable.allCases.map { "port_usage_scrape_collector_duration_seconds{collector=\"\($0)\"}" })
        return text.split(separator: "\n").reduce(0) { sum, line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, tables.contains(String(parts[0])), let value = Double(parts[1]) else {
                return sum
            }
            return sum + value
        }
    }

    /// A `/proc/<pid>/status` memory figure in KiB (`VmRSS` now, `VmHWM` the peak).
    func memoryKiB(_ field: String) -> Int {
        let text =
            (try? FileReader.readText("/proc/\(pid)/status", limit: ProcessMetrics.maximumFileBytes)) ?? ""
        for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    func stop() {
        connection = nil
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
