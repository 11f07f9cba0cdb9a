public import Logging
import Synchronization

/// Runs one collection per call: reads the socket tables the enabled collectors need into one
/// ``SocketSnapshot``, classifies the listeners, runs every enabled collector with timing, and adds the
/// exporter's own metrics. Serve mode shares its collections among the sinks (``SharedCollection``).
///
/// A collector that fails is reported by `port_usage_scrape_collector_success` = 0 and logged (once, until
/// its error changes); the others are still served.
public final class PortUsageCollector: Sendable {
    private let source: any SocketSource
    private let classifier: PortClassifier
    private let options: CollectorOptions
    /// The enabled collectors, by name, sorted.
    private let collectors: [(name: CollectorName, collector: any Collector)]
    /// What a collection reads of the host's tables: the union of the collectors' demands.
    private let demand: SocketDemand
    private let buildInfo: BuildInfo
    private let policy: PolicyStore
    private let log: RepeatSuppressingLog
    private let advice: CollectionAdvice
    private let skippedTotals = Locked<[SkippedInputKey: Int]>([:])
    /// The host's listener keys in the last read of each kind: room made for them in the next read of that
    /// kind. A scrape and the changes poll keep a hint each: they read different tables (the poll reads
    /// listeners only, and the netns collector adds other namespaces' keys to scrapes).
    let sizeHints = Locked(ReadSizeHints())
    /// Collections running now: the poll between scrapes skips its read while one runs, which shows the
    /// collectors the same listeners (and two reads at once would add their peaks).
    private let collectionsRunning = Atomic<Int>(0)
    /// The namespace the host's listeners are keyed with: the exporter's own when a collector tells
    /// namespaces apart, else none.
    private let hostNamespace: NamespaceID

    /// Makes the collectors of `options.enabled` from `registry` (names it does not know are ignored).
    public init(
        source: any SocketSource, classifier: PortClassifier, options: CollectorOptions, buildInfo: BuildInfo,
        registry: CollectorRegistry = .standard, processMetrics: ProcessMetrics = ProcessMetrics(),
        policy: PolicyStore = PolicyStore(policy: nil), owners: OwnerResolver = OwnerResolver(),
        procRoot: String = HostPaths.standard.procfs, privilegeNoticeLevel: Logger.Level = .warning,
        namespaceScanner: NamespaceScanner = NamespaceScanner(), logger: Logger,
        advice: @escaping CollectionAdvice = { _ in nil }
    ) {
        self.source = source
        self.classifier = classifier
        self.options = options
        self.buildInfo = buildInfo
        self.policy = policy
        let log = RepeatSuppressingLog(logger: logger)
        self.log = log
        self.advice = advice
        let setup = CollectorSetup(
            options: options, procRoot: procRoot, owners: owners, namespaceScanner: namespaceScanner,
            processMetrics: processMetrics, privilegeNoticeLevel: privilegeNoticeLevel, logger: logger,
            advice: advice)
        let collectors = options.enabled.sorted().compactMap { name in
            registry.registration(name).map { (name: name, collector: $0.make(setup)) }
        }
        self.collectors = collectors
        demand = collectors.reduce(SocketDemand.nothing) { $0.union($1.collector.demand) }
        hostNamespace =
            collectors.contains { $0.collector.separatesNamespaces }
            ? NamespaceScanner.ownNamespace() : .untagged
    }

    /// The collectors that run, by name.
    public var collectorNames: [String] { collectors.map(\.name.rawValue) }

    /// Collects now; a socket table still being read at `deadline` fails with a timeout.
    public func collect(deadline: ContinuousClock.Instant? = nil) -> Scrape {
        collectionsRunning.add(1, ordering: .relaxed)
        defer { collectionsRunning.subtract(1, ordering: .relaxed) }
        var hookSeconds: [CollectorName: Double] = [:]
        let reading = read(demand, poll: false, deadline: deadline, hint: \.scrape, hookSeconds: &hookSeconds)
        return assemble(consume reading, deadline: deadline, hookSeconds: hookSeconds)
    }

    /// Reads what `demand` asks of the host's tables into one snapshot, lets the collectors add what they
    /// read themselves, and shows them the result; each collector's time in its hooks is added to
    /// `hookSeconds`.
    private func read(
        _ demand: SocketDemand, poll: Bool, deadline: ContinuousClock.Instant?,
        hint: WritableKeyPath<ReadSizeHints, Int>, hookSeconds: inout [CollectorName: Double]
    ) -> CollectionReading {
        var demand = demand
        demand.expectedListenerKeys = sizeHints.withLock { $0[keyPath: hint] }
        let snapshot = SocketSnapshot.take(
            from: source, demand: demand, deadline: deadline, namespace: hostNamespace)
        sizeHints.withLock { $0[keyPath: hint] = snapshot.counts.listeners.count }
        var reading = CollectionReading(snapshot: snapshot, demand: demand)
        for (name, collector) in collectors {
            hookSeconds[name, default: 0] += Self.timed {
                collector.extend(&reading, poll: poll, deadline: deadline)
            }
        }
        for (name, collector) in collectors {
            hookSeconds[name, default: 0] += Self.timed { collector.observe(reading) }
        }
        return reading
    }

    /// Whether a collector wants the listeners read between scrapes, so that ``pollListeners(deadline:)``
    /// is worth calling.
    public var tracksChanges: Bool { collectors.contains { $0.collector.pollsListeners } }

    /// Reads the listeners only and shows them to the collectors (the `changes` collector records them):
    /// the background poll between scrapes. Returns the errors of the tables that could not be read, or nil
    /// when it read nothing because a collection runs: that collection shows the collectors the listeners.
    @discardableResult
    public func pollListeners(deadline: ContinuousClock.Instant? = nil) -> [SocketSourceError]? {
        guard tracksChanges else { return [] }
        guard collectionsRunning.load(ordering: .relaxed) == 0 else { return nil }
        var ignored: [CollectorName: Double] = [:]
        let reading = read(
            .listeners(of: demand.tables), poll: true, deadline: deadline, hint: \.poll, hookSeconds: &ignored
        )
        return reading.snapshot.outcomes.compactMap(\.failure)
    }

    /// Collects everything but the socket tables, which are reported failed for `reason`: the answer to
    /// a scrape whose socket collection overran its timeout.
    public func collectWithoutSockets(because reason: String) -> Scrape {
        assemble(
            CollectionReading(
                snapshot: SocketSnapshot.abandoned(demand, source: source, reason: reason), demand: demand),
            deadline: nil, hookSeconds: [:])
    }

    /// Classifies `reading` and runs the collectors on it. The reading is taken over: what it holds per
    /// listener is let go as soon as it has served (the counts once their series are made, the listening
    /// sockets once the collectors have prepared), so that a host with tens of thousands of listeners does
    /// not hold them while the families are made.
    private func assemble(
        _ reading: consuming CollectionReading, deadline: ContinuousClock.Instant?,
        hookSeconds: [CollectorName: Double]
    ) -> Scrape {
        let clock = ContinuousClock()
        let start = clock.now
        logTableProblems(reading.snapshot)
        let sweep = reading.sweep
        let limits = CardinalityGuard(maxPorts: options.maxPortsPerProtocol, counts: reading.snapshot.counts)
        warnAboutOverflow(limits)
        let policy = policy.current
        let listeners = ListenerSeries.series(
            of: reading.snapshot.counts, classifier: classifier, limits: limits, policy: policy,
            namespaces: sweep?.labels ?? [:])
        var context = CollectionContext(
            snapshot: (consume reading).snapshot, listeners: listeners, policy: policy, limits: limits,
            namespaces: sweep, deadline: deadline)
        context.snapshot.counts.listeners = [:]
        var hookSeconds = hookSeconds
        for (name, collector) in collectors {
            hookSeconds[name, default: 0] += Self.timed { collector.prepare(&context) }
        }
        context.snapshot.counts.listenerSockets = ChunkedArray()
        context.judgement = policy.map {
            PolicyJudgement(
                policy: $0, listeners: context.listeners,
                owners: context.ownerWalk == nil ? nil : context.owners)
        }
        var families: [MetricFamily] = []
        var collectorFamilies: [String: Range<Int>] = [:]
        let outcomes = collectors.map { name, collector in
            let first = families.count
            var outcome = run(name, collector, context, into: &families)
            collectorFamilies[name.rawValue] = first..<families.count
            outcome.durationSeconds += hookSeconds[name, default: 0]
            return outcome
        }
        families += SelfMetrics(buildInfo: buildInfo, registry: classifier.registry).families(
            outcomes: outcomes, skippedInput: recordSkippedInput(context.snapshot), sources: sources())
        families += self.policy.families()
        log.logger.debug(
            "collected",
            metadata: [
                "read_seconds": "\(context.snapshot.outcomes.reduce(0) { $0 + $1.durationSeconds })",
                "assemble_seconds": "\((clock.now - start).seconds)",
                "listener_series": "\(context.listeners.count)",
            ])
        return Scrape(
            families: families, listeners: context.listeners, owners: context.owners,
            saturation: context.saturation, judgement: context.judgement,
            outcomes: outcomes, collectorFamilies: collectorFamilies)
    }

    /// The seconds `body` took.
    private static func timed(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        return (clock.now - start).seconds
    }

    /// Runs one collector, timed; its duration includes the reads of the tables it needed.
    private func run(
        _ name: CollectorName, _ collector: any Collector, _ context: CollectionContext,
        into families: inout [MetricFamily]
    ) -> CollectorOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var success = true
        do {
            try collector.update(context, into: &families)
            log.clear("collector \(name)")
        } catch {
            success = false
            var metadata: Logger.Metadata = ["collector": "\(name)", "err": "\(error)"]
            if let failure = error as? TableReadFailure, let first = failure.errors.first,
                let table = context.snapshot.outcomes.first(where: { $0.failure == first })?.table,
                let advice = advice(.tableFailed(table, first))
            {
                metadata["advice"] = "\(advice)"
            }
            log.log(.error, "collector failed", about: "collector \(name)", metadata: metadata)
        }
        let readSeconds = context.snapshot.outcomes.filter(collector.uses).reduce(0) {
            $0 + $1.durationSeconds
        }
        return CollectorOutcome(
            collector: name.rawValue, success: success,
            durationSeconds: readSeconds + (clock.now - start).seconds)
    }

    /// Logs unavailable tables at debug level and malformed input as a warning, each once until it changes.
    private func logTableProblems(_ snapshot: SocketSnapshot) {
        for outcome in snapshot.outcomes {
            let subject = "table \(outcome.table) \(outcome.selection.name)"
            switch outcome.result {
            case .failure(let error) where error.isUnavailable:
                log.log(
                    .debug, "socket table not available on this host; skipped", about: subject,
                    metadata: ["table": "\(outcome.table)", "source": "\(outcome.source)", "err": "\(error)"])
            case .success(let report):
                guard let example = report.firstSkipped else {
                    log.clear(subject)
                    continue
                }
                var metadata: Logger.Metadata = [
                    "table": "\(outcome.table)", "source": "\(outcome.source)",
                    "skipped": "\(report.skipped)",
                    "first_line": "\(example.number)", "first_text": "\(example.text)",
                ]
                if let advice = advice(.malformedInput(outcome.table, outcome.source)) {
                    metadata["advice"] = "\(advice)"
                }
                log.log(
                    .warning, "skipped malformed socket table input", about: subject,
                    fingerprint: example.text,
                    metadata: metadata)
            case .failure:
                continue
            }
        }
    }

    private func recordSkippedInput(_ snapshot: SocketSnapshot) -> [SkippedInputKey: Int] {
        skippedTotals.withLock { totals in
            for outcome in snapshot.outcomes {
                let skipped = (try? outcome.result.get())?.skipped ?? 0
                totals[SkippedInputKey(source: outcome.source, table: outcome.table), default: 0] += skipped
            }
            for table in demand.tables {
                totals[SkippedInputKey(source: source.kind(for: table), table: table), default: 0] += 0
            }
            return totals
        }
    }

    private func sources() -> [SocketTable: SocketSourceKind] {
        Dictionary(uniqueKeysWithValues: demand.tables.map { ($0, source.kind(for: $0)) })
    }

    private func warnAboutOverflow(_ limits: CardinalityGuard) {
        for transport in TransportProtocol.allCases {
            let subject = "overflow \(transport)"
            guard let ports = limits.overflow[transport] else {
                log.clear(subject)
                continue
            }
            var metadata: Logger.Metadata = [
                "protocol": "\(transport)", "ports": "\(ports)", "limit": "\(limits.maxPorts)",
            ]
            if let advice = advice(.tooManyPorts(transport)) { metadata["advice"] = "\(advice)" }
            log.log(
                .warning, "too many listener ports; the highest are summed into port=\"other\"",
                about: subject,
                fingerprint: "\(limits.maxPorts)", metadata: metadata)
        }
    }
}

/// The key of `port_usage_parse_errors_total`: which source skipped input of which table.
struct SkippedInputKey: Hashable {
    var source: SocketSourceKind
    var table: SocketTable
}
