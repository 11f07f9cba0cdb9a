public import Logging
import Synchronization

/// Runs every collector once per call and assembles the metric families: the socket metrics from a
/// ``SocketSource``, classified by a ``PortClassifier``, plus the exporter's own metrics.
///
/// The statistics of the sinks that publish these metrics (push, textfile) are part of every collection.
///
/// A collector that fails is reported by `port_usage_scrape_collector_success` = 0 and logged; the others are
/// still served.
public final class PortUsageCollector: Sendable {
    private let source: any SocketSource
    private let classifier: PortClassifier
    private let options: CollectorOptions
    private let buildInfo: BuildInfo
    private let processMetrics: ProcessMetrics
    private let sinkStatistics: [SinkStatistics]
    private let policy: PolicyStore
    private let logger: Logger
    private let skippedLineTotals = Mutex<[SocketTable: Int]>([:])
    private let warnedAboutCardinality = Atomic<Bool>(false)

    public init(
        source: any SocketSource, classifier: PortClassifier, options: CollectorOptions, buildInfo: BuildInfo,
        processMetrics: ProcessMetrics = ProcessMetrics(), sinkStatistics: [SinkStatistics] = [],
        policy: PolicyStore = PolicyStore(policy: nil), logger: Logger
    ) {
        self.source = source
        self.classifier = classifier
        self.options = options
        self.buildInfo = buildInfo
        self.processMetrics = processMetrics
        self.sinkStatistics = sinkStatistics
        self.policy = policy
        self.logger = logger
    }

    /// Collects now; a socket table still being read at `deadline` fails with a timeout.
    public func collect(deadline: ContinuousClock.Instant? = nil) -> Scrape {
        assemble(snapshot: source.snapshot(deadline: deadline), start: ContinuousClock().now)
    }

    /// Collects everything but the socket tables, which are reported failed for `reason`: the answer to
    /// a scrape whose socket collection overran its timeout.
    public func collectWithoutSockets(because reason: String) -> Scrape {
        let failure = SocketSourceError(reason)
        let readings = options.tables.map {
            TableReading(table: $0, result: .failure(failure), durationSeconds: 0)
        }
        return assemble(snapshot: SocketSnapshot(readings: readings), start: ContinuousClock().now)
    }

    private func assemble(snapshot: SocketSnapshot, start collectionStart: ContinuousClock.Instant) -> Scrape
    {
        let clock = ContinuousClock()
        let snapshotSeconds = (clock.now - collectionStart).seconds
        var outcomes = snapshot.readings.map { reading in
            if case .failure(let error) = reading.result { logFailure(of: reading.table.rawValue, error) }
            return CollectorOutcome(
                collector: reading.table.rawValue, success: (try? reading.result.get()) != nil,
                durationSeconds: reading.durationSeconds)
        }
        let skippedTotals = recordSkippedLines(snapshot)

        let limits = CardinalityGuard(maxPorts: options.maxPortsPerProtocol, snapshot: snapshot)
        warnOnceAboutOverflow(limits)
        let policy = policy.current
        let metrics = SocketMetrics(
            snapshot: snapshot, classifier: classifier, limits: limits, policy: policy)
        let listeners = metrics.listenerSeries()
        var families = [metrics.listenersFamily(listeners), metrics.socketsFamily()]
        if let policy {
            families.append(metrics.unexpectedListenersFamily(listeners.filter(policy.isUnexpected)))
        }
        if options.connections {
            families += run("connections", recordingIn: &outcomes) {
                guard
                    snapshot.readings.contains(where: {
                        $0.table.transport == .tcp && (try? $0.result.get()) != nil
                    })
                else { throw SocketSourceError("no TCP socket table was read (tcp, tcp6)") }
                return [metrics.connectionsFamily()]
            }
        }
        families += run("process", recordingIn: &outcomes) { try processMetrics.families() }
        outcomes.sort { $0.collector < $1.collector }
        families += SelfMetrics(buildInfo: buildInfo, registry: classifier.registry).families(
            outcomes: outcomes, skippedLines: skippedTotals, tables: options.tables)
        families += sinkStatistics.flatMap { $0.families() } + self.policy.families()
        logger.debug(
            "collected",
            metadata: [
                "snapshot_seconds": "\(snapshotSeconds)",
                "total_seconds": "\((clock.now - collectionStart).seconds)",
                "listener_series": "\(listeners.count)",
            ])
        return Scrape(families: families, listeners: listeners, outcomes: outcomes)
    }

    /// Runs one collector, timing it and recording its outcome; a failure is logged and yields no families.
    private func run(
        _ collector: String, recordingIn outcomes: inout [CollectorOutcome],
        _ body: () throws -> [MetricFamily]
    ) -> [MetricFamily] {
        let clock = ContinuousClock()
        let start = clock.now
        var families: [MetricFamily] = []
        do {
            families = try body()
        } catch {
            logFailure(of: collector, error)
        }
        outcomes.append(
            CollectorOutcome(
                collector: collector, success: !families.isEmpty, durationSeconds: (clock.now - start).seconds
            ))
        return families
    }

    private func logFailure(of collector: String, _ error: any Error) {
        logger.error("collector failed", metadata: ["collector": "\(collector)", "err": "\(error)"])
    }

    private func recordSkippedLines(_ snapshot: SocketSnapshot) -> [SocketTable: Int] {
        skippedLineTotals.withLock { totals in
            for reading in snapshot.readings {
                let skipped = (try? reading.result.get())?.skippedLines ?? 0
                totals[reading.table, default: 0] += skipped
            }
            return totals
        }
    }

    private func warnOnceAboutOverflow(_ limits: CardinalityGuard) {
        guard !limits.overflow.isEmpty,
            warnedAboutCardinality.compareExchange(expected: false, desired: true, ordering: .relaxed)
                .exchanged
        else { return }
        for (transport, ports) in limits.overflow.sorted(by: { $0.key < $1.key }) {
            logger.warning(
                "too many listener ports; the highest are summed into port=\"other\"",
                metadata: [
                    "protocol": "\(transport)", "ports": "\(ports)", "limit": "\(limits.maxPorts)",
                    "flag": "--collector.listeners.max-ports",
                ])
        }
    }
}
