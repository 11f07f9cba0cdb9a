public import Logging
import Synchronization

/// Runs every collector once per call and assembles the metric families: the socket metrics from a
/// ``SocketSource``, classified by a ``PortClassifier``, plus the exporter's own metrics.
///
/// A collector that fails is reported by `port_usage_scrape_collector_success` = 0 and logged; the others are
/// still served.
public final class PortUsageCollector: Sendable {
    private let source: any SocketSource
    private let classifier: PortClassifier
    private let options: CollectorOptions
    private let buildInfo: BuildInfo
    private let processMetrics: ProcessMetrics
    private let logger: Logger
    private let skippedLineTotals = Mutex<[SocketTable: Int]>([:])
    private let warnedAboutCardinality = Atomic<Bool>(false)

    public init(
        source: any SocketSource, classifier: PortClassifier, options: CollectorOptions, buildInfo: BuildInfo,
        processMetrics: ProcessMetrics = ProcessMetrics(), logger: Logger
    ) {
        self.source = source
        self.classifier = classifier
        self.options = options
        self.buildInfo = buildInfo
        self.processMetrics = processMetrics
        self.logger = logger
    }

    /// Collects now.
    public func collect() -> Scrape {
        let clock = ContinuousClock()
        let collectionStart = clock.now
        let snapshot = source.snapshot()
        let snapshotSeconds = (clock.now - collectionStart).seconds
        var outcomes: [CollectorOutcome] = []
        for reading in snapshot.readings {
            if case .failure(let error) = reading.result {
                logger.error(
                    "collector failed", metadata: ["collector": "\(reading.table)", "err": "\(error)"])
            }
            outcomes.append(
                CollectorOutcome(
                    collector: reading.table.rawValue, success: (try? reading.result.get()) != nil,
                    durationSeconds: reading.durationSeconds))
        }
        let skippedTotals = recordSkippedLines(snapshot)

        let limits = CardinalityGuard(maxPorts: options.maxPortsPerProtocol, snapshot: snapshot)
        warnOnceAboutOverflow(limits)
        let metrics = SocketMetrics(snapshot: snapshot, classifier: classifier, limits: limits)
        let listeners = metrics.listenerSeries()
        var families = [metrics.listenersFamily(listeners), metrics.socketsFamily()]

        if options.connections {
            let start = clock.now
            let tcpRead = snapshot.readings.contains {
                $0.table.transport == .tcp && (try? $0.result.get()) != nil
            }
            if tcpRead {
                families.append(metrics.connectionsFamily())
            } else {
                logger.error(
                    "collector failed",
                    metadata: ["collector": "connections", "err": "no TCP socket table was read (tcp, tcp6)"])
            }
            outcomes.append(
                CollectorOutcome(
                    collector: "connections", success: tcpRead, durationSeconds: (clock.now - start).seconds))
        }

        let processStart = clock.now
        do {
            families += try processMetrics.families()
            outcomes.append(
                CollectorOutcome(
                    collector: "process", success: true, durationSeconds: (clock.now - processStart).seconds))
        } catch {
            logger.error("collector failed", metadata: ["collector": "process", "err": "\(error)"])
            outcomes.append(
                CollectorOutcome(
                    collector: "process", success: false, durationSeconds: (clock.now - processStart).seconds)
            )
        }
        outcomes.sort { $0.collector < $1.collector }
        families += selfFamilies(outcomes: outcomes, skippedTotals: skippedTotals)
        logger.debug(
            "collected",
            metadata: [
                "snapshot_seconds": "\(snapshotSeconds)",
                "total_seconds": "\((clock.now - collectionStart).seconds)",
                "listener_series": "\(listeners.count)",
            ])
        return Scrape(families: families, listeners: listeners, outcomes: outcomes)
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

    private func selfFamilies(outcomes: [CollectorOutcome], skippedTotals: [SocketTable: Int])
        -> [MetricFamily]
    {
        let registry = classifier.registry
        return [
            MetricFamily(
                name: "port_usage_scrape_collector_duration_seconds",
                help: "Duration of a collector scrape in seconds.", type: .gauge,
                samples: outcomes.map {
                    Sample(labels: [Label("collector", $0.collector)], value: $0.durationSeconds)
                }),
            MetricFamily(
                name: "port_usage_scrape_collector_success",
                help: "Whether a collector succeeded (1) or failed (0).",
                type: .gauge,
                samples: outcomes.map {
                    Sample(labels: [Label("collector", $0.collector)], value: $0.success ? 1 : 0)
                }),
            MetricFamily(
                name: "port_usage_parse_errors_total",
                help: "Malformed socket table lines skipped since the exporter started.", type: .counter,
                samples: options.tables.sorted(by: { $0.rawValue < $1.rawValue }).map {
                    Sample(labels: [Label("collector", $0.rawValue)], value: Double(skippedTotals[$0] ?? 0))
                }),
            MetricFamily(
                name: "port_usage_exporter_build_info",
                help: "A metric with a constant '1' value labeled by version, revision and Swift version.",
                type: .gauge,
                samples: [
                    Sample(
                        labels: [
                            Label("version", buildInfo.version), Label("revision", buildInfo.revision),
                            Label("swift_version", buildInfo.swiftVersion),
                        ], value: 1)
                ]),
            MetricFamily(
                name: "port_usage_registry_info",
                help: "The IANA port registry in use: embedded or loaded from --registry.file.", type: .gauge,
                samples: [
                    Sample(
                        labels: [
                            Label("source", registry.source.rawValue), Label("updated", registry.updated),
                            Label("records", String(registry.recordCount)),
                        ], value: 1)
                ]),
        ]
    }
}
