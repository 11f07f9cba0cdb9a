import Logging
import PortUsageCore
import PortUsageHTTP
import PortUsageTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A server on an ephemeral loopback port over a ``CountingSource``.
struct TestServer {
    let source: CountingSource
    let server: MetricsServer

    init(
        delay: Duration = .zero, held: Bool = false, listeners: FixedListenerSource = FixedListenerSource(),
        options: CollectorOptions = CollectorOptions(tables: [.tcp]),
        listen: [ListenAddress] = [ListenAddress(host: "127.0.0.1", port: 0)],
        limits: ServerLimits = ServerLimits(), reload: MetricsServer.ReloadAction? = nil
    ) {
        source = CountingSource(delay: delay, held: held, listeners: listeners)
        let logger = Logger(label: "test")
        let buildInfo = BuildInfo(version: "9.9.9", revision: "r", swiftVersion: "6")
        let collector = PortUsageCollector(
            source: source, classifier: PortClassifier(registry: .embedded),
            options: options, buildInfo: buildInfo, logger: logger)
        server = MetricsServer(
            configuration: .init(
                listenAddresses: listen, telemetryPath: "/metrics", reload: reload, limits: limits,
                shutdownGrace: .milliseconds(500)),
            collector: collector, buildInfo: buildInfo, logger: logger)
    }

    /// Starts the server, runs `body` with its port, and shuts it down (releasing a held source first).
    func withServer(_ body: (Int) async throws -> Void) async throws {
        try await withRunning(server, release: source.release, body)
    }
}

/// Starts `server`, runs `body` with its first port, then calls `release` (to let a held collection end)
/// and shuts the server down, whether `body` threw or not.
func withRunning(_ server: MetricsServer, release: () -> Void, _ body: (Int) async throws -> Void)
    async throws
{
    let addresses = try await server.start()
    do {
        try await body(addresses[0].port!)
    } catch {
        release()
        await server.shutdown()
        throw error
    }
    release()
    await server.shutdown()
}
