import Logging
import NIOConcurrencyHelpers
import PortUsageCore
import PortUsageHTTP
import PortUsageTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A source that returns a fixed snapshot (by default one listener on 768/tcp) after a delay, or only once
/// released, and counts how often it was asked.
final class CountingSource: SocketSource {
    let calls = Atomic<Int>(0)
    let delay: Duration
    let listeners: FixedListenerSource
    private let held = NIOLockedValueBox(false)

    init(delay: Duration, held: Bool = false, listeners: FixedListenerSource = FixedListenerSource()) {
        self.delay = delay
        self.listeners = listeners
        self.held.withLockedValue { $0 = held }
    }

    /// Lets a held source answer.
    func release() {
        held.withLockedValue { $0 = false }
    }

    func kind(for table: SocketTable) -> SocketSourceKind { .procfs }

    func selectsInKernel(_ table: SocketTable) -> Bool { false }

    /// Waits out the delay (and a hold) and counts the call on the one table it is asked for.
    func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        calls.add(1, ordering: .relaxed)
        let clock = ContinuousClock()
        let end = clock.now + delay
        while clock.now < end || held.withLockedValue({ $0 }) { usleep(1000) }
        return try listeners.read(
            table, selection: selection, deadline: deadline, into: &consumer)
    }
}

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
        let addresses = try await server.start()
        do {
            try await body(addresses[0].port!)
        } catch {
            source.release()
            await server.shutdown()
            throw error
        }
        source.release()
        await server.shutdown()
    }
}
