#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server process started on a free loopback port (our exporter, or node_exporter for the memory
/// reference), scraped over one kept-alive connection and stopped with SIGTERM.
final class RunningServer {
    let pid: pid_t
    let port: Int
    let logPath: String
    private var connection: HTTPConnection?

    /// Starts `arguments` plus `--web.listen-address=127.0.0.1:<port>` and waits until `readyPath` answers.
    init(_ arguments: [String], readyPath: String) throws {
        port = try LoopbackPopulation.freePort()
        logPath = "/tmp/port-usage-bench-server-\(port).log"
        pid = try Subprocess.start(arguments + ["--web.listen-address=127.0.0.1:\(port)"], logPath: logPath)
        for _ in 0..<200 {
            if let ready = try? HTTPConnection(port: port), (try? ready.get(readyPath)) != nil {
                connection = ready
                return
            }
            usleep(50_000)
        }
        stop(keepingLog: true)
        throw Subprocess.Failure(description: "\(arguments[0]) did not start; see \(logPath)")
    }

    /// GETs `path` (default `/metrics`) over the kept-alive connection, optionally asking for gzip.
    @discardableResult
    func scrape(_ path: String = "/metrics", gzip: Bool = false) throws -> [UInt8] {
        try connection!.get(path, headers: gzip ? "Accept-Encoding: gzip\r\n" : "")
    }

    /// A `/proc/<pid>/status` memory figure in KiB (`VmRSS` now, `VmHWM` the peak).
    func memoryKiB(_ field: String) -> Int {
        processMemoryKiB(pid: pid, field)
    }

    /// Stops the server with SIGTERM and waits for it; removes its log unless `keepingLog`.
    func stop(keepingLog: Bool = false) {
        connection = nil
        kill(pid, SIGTERM)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        if !keepingLog { unlink(logPath) }
    }
}
