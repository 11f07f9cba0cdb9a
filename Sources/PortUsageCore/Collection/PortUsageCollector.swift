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
    private let collectors: [(CollectorName, any Collector)]
    private let buildInfo: BuildInfo
    private let policy: PolicyStore
    private let log: RepeatSuppressingLog
    private let advice: CollectionAdvice
    private let skippedTotals = Mutex<[SkippedInputKey: Int]>([:])
    /// The host's listener keys and listening sockets in the last read of each kind: room made for them in
    /// the next read of that kind. A scrape and the changes poll keep a hint each: the poll keeps no
    /// listening sockets, and would otherwise leave every scrape without its reservation.
    let sizeHints = Mutex(ReadSizeHints())
    /// The listener history of the `changes` collector, when it runs.
    private let history: ListenerHistory?
    /// The owner resolver of the `owners` collector, when it runs.
    private let owners: OwnerResolver?
    /// The level of the one line saying that other users' process names are not readable.
    private let privilegeNoticeLevel: Logger.Level
    /// The sweep of the other network namespaces, when the `netns` collector runs.
    private let namespaces: NamespaceSweep?
    /// The namespace the host's listeners are keyed with: the exporter's own when namespaces are told
    /// apart, else none.
    private let hostNamespace: NamespaceID

    public init(
        source: any SocketSource, classifier: PortClassifier, options: CollectorOptions, buildInfo: BuildInfo,
        processMetrics: ProcessMetrics = ProcessMetrics(),
        policy: PolicyStore = PolicyStore(policy: nil), owners: OwnerResolver = OwnerResolver(),
        procRoot: String = HostPaths.standard.procfs, privilegeNoticeLevel: Logger.Level = .warning,
        namespaceScanner: NamespaceScanner = NamespaceScanner(), logger: Logger,
        advice: @escaping CollectionAdvice = { _ in nil }
    ) {
        let sweepsNamespaces = options.enabled.contains(.netns)
        namespaces =
            sweepsNamespaces
            ? NamespaceSweep(scanner: namespaceScanner, maximumNamespaces: options.maxNamespaces) : nil
        hostNamespace = sweepsNamespaces ? NamespaceScanner.ownNamespace() : .untagged
        self.source = source
        self.classifier = classifier
        self.options = options
        self.buildInfo = buildInfo
        self.policy = policy
        let log = RepeatSuppressingLog(logger: logger)
        self.log = log
        let history =
            options.enabled.contains(.changes)
            ? ListenerHistory(retention: options.changeRetention, capacity: options.changeCapacity) : nil
        self.history = history
        self.owners = options.enabled.contains(.owners) ? owners : nil
        self.privilegeNoticeLevel = privilegeNoticeLevel
        self.advice = advice
        collectors = options.enabled.sorted().map { name in
            switch name {
            case .listeners: (name, ListenersCollector())
            case .connections: (name, ConnectionsCollector())
            case .changes: (name, ChangesCollector(history: history!))
            case .owners: (name, OwnersCollector())
            case .sockets: (name, SocketsCollector())
            case .ephemeral: (name, EphemeralCollector(procRoot: procRoot))
            case .process: (name, ProcessCollector(metrics: processMetrics))
            case .netns: (name, NetnsCollector())
            }
        }
    }

    /// The collectors that run, by name.
    public var collectorNames: [String] { collectors.map(\.0.rawValue) }

    /// Collects now; a socket table still being read at `deadline` fails with a timeout.
    public func collect(deadline: ContinuousClock.Instant? = nil) -> Scrape {
        let (snapshot, sweep) = read(
            options.demand, namespaces: options.namespaceDemand, deadline: deadline, hint: \.scrape)
        return assemble(snapshot, sweep: sweep, deadline: deadline)
    }

    /// Reads what `demand` asks of the host's tables, and `namespaceDemand` of the other namespaces when
    /// the `netns` collector runs, into one snapshot, and records its listeners in the history.
    private func read(
        _ demand: SocketDemand, namespaces namespaceDemand: SocketDemand, deadline: ContinuousClock.Instant?,
        hint: WritableKeyPath<ReadSizeHints, ReadSizeHints.Size>
    ) -> (SocketSnapshot, (result: NamespaceSweepResult, seconds: Double)?) {
        var demand = demand
        (demand.expectedListenerKeys, demand.expectedListenerSockets) = sizeHints.withLock {
            ($0[keyPath: hint].keys, $0[keyPath: hint].sockets)
        }
        var snapshot = SocketSnapshot.take(
            from: source, demand: demand, deadline: deadline, namespace: hostNamespace)
        sizeHints.withLock {
            $0[keyPath: hint] = .init(
                keys: snapshot.counts.listeners.count, sockets: snapshot.counts.listenerSockets.count)
        }
        let sweep = sweepNamespaces(into: &snapshot, demand: namespaceDemand, deadline: deadline)
        record(snapshot, sweep: sweep?.result)
        return (snapshot, sweep)
    }

    /// Reads the listeners of the other namespaces into `snapshot`, when the `netns` collector runs; with
    /// the sweep's duration.
    private func sweepNamespaces(
        into snapshot: inout SocketSnapshot, demand: SocketDemand, deadline: ContinuousClock.Instant?
    ) -> (result: NamespaceSweepResult, seconds: Double)? {
        guard let namespaces else { return nil }
        let clock = ContinuousClock()
        let start = clock.now
        let result = namespaces.sweep(demand: demand, deadline: deadline)
        snapshot.counts.absorb(result.counts)
        return (result, (clock.now - start).seconds)
    }

    /// Whether the `changes` collector runs, so that ``pollListeners(deadline:)`` is worth calling.
    public var tracksChanges: Bool { history != nil }

    /// Reads the listeners only and records them in the history of the `changes` collector: the
    /// background poll between scrapes. Returns the errors of the tables that could not be read, in which
    /// case nothing was recorded.
    @discardableResult
    public func pollListeners(deadline: ContinuousClock.Instant? = nil) -> [SocketSourceError] {
        guard history != nil else { return [] }
        let (snapshot, _) = read(
            options.listenerDemand, namespaces: options.listenerDemand, deadline: deadline, hint: \.poll)
        return snapshot.outcomes.compactMap(\.failure)
    }

    /// Feeds the history with the snapshot's listeners, when every listener table of the host was read (a
    /// table that failed would look like all its listeners closing); the listeners of namespaces the sweep
    /// could not read are left as they were.
    private func record(_ snapshot: SocketSnapshot, sweep: NamespaceSweepResult?) {
        guard let history, snapshot.outcomes.allSatisfy({ !$0.coversListeners || $0.failure == nil }) else {
            return
        }
        history.observe(
            Set(snapshot.counts.listeners.keys), at: WallClock.now(), namespaces: sweep?.labels ?? [:],
            unread: sweep?.unread ?? [])
    }

    /// Collects everything but the socket tables, which are reported failed for `reason`: the answer to
    /// a scrape whose socket collection overran its timeout.
    public func collectWithoutSockets(because reason: String) -> Scrape {
        assemble(
            SocketSnapshot.abandoned(options.demand, source: source, reason: reason), sweep: nil,
            deadline: nil)
    }

    private func assemble(
        _ snapshot: SocketSnapshot, sweep: (result: NamespaceSweepResult, seconds: Double)?,
        deadline: ContinuousClock.Instant?
    ) -> Scrape {
        let clock = ContinuousClock()
        let start = clock.now
        logTableProblems(snapshot)
        if let sweep { logSweepProblems(sweep.result) }
        let names = sweep?.result.labels ?? [:]
        let limits = CardinalityGuard(maxPorts: options.maxPortsPerProtocol, counts: snapshot.counts)
        warnAboutOverflow(limits)
        let policy = policy.current
        let ownersStart = clock.now
        let (ownerships, ownerWalk) = resolveOwners(
            of: snapshot.counts.listenerSockets, limits: limits, namespaces: names,
            deadline: deadline.map { Self.ownersDeadline(now: ownersStart, collectionDeadline: $0) })
        let ownersSeconds = (clock.now - ownersStart).seconds
        let context = CollectionContext(
            snapshot: snapshot,
            listeners: ListenerSeries.series(
                of: snapshot.counts, classifier: classifier, limits: limits, policy: policy, namespaces: names
            ),
            owners: ownerships, policy: policy, limits: limits, namespaces: sweep?.result,
            ownerWalk: ownerWalk)
        var families: [MetricFamily] = []
        var collectorFamilies: [String: Range<Int>] = [:]
        let outcomes = collectors.map { name, collector in
            let first = families.count
            var outcome = run(name, collector, context, into: &families)
            collectorFamilies[name.rawValue] = first..<families.count
            if name == .owners { outcome.durationSeconds += ownersSeconds }
            if name == .netns { outcome.durationSeconds += sweep?.seconds ?? 0 }
            return outcome
        }
        families += SelfMetrics(buildInfo: buildInfo, registry: classifier.registry).families(
            outcomes: outcomes, skippedInput: recordSkippedInput(snapshot), sources: sources())
        families += self.policy.families()
        log.logger.debug(
            "collected",
            metadata: [
                "read_seconds": "\(snapshot.outcomes.reduce(0) { $0 + $1.durationSeconds })",
                "assemble_seconds": "\((clock.now - start).seconds)",
                "listener_series": "\(context.listeners.count)",
            ])
        return Scrape(
            families: families, listeners: context.listeners, owners: context.owners, policy: policy,
            outcomes: outcomes, collectorFamilies: collectorFamilies)
    }

    /// When the owners walk stops, starting at `now` in a collection due by `collectionDeadline`: halfway,
    /// so that the rest of the collection (series, exposition), whose cost is not known in advance, still
    /// ends in time.
    static func ownersDeadline(now: ContinuousClock.Instant, collectionDeadline: ContinuousClock.Instant)
        -> ContinuousClock.Instant
    {
        collectionDeadline <= now ? collectionDeadline : now + (collectionDeadline - now) / 2
    }

    /// The owners of `sockets` and what their walk left unresolved, saying once why process names are
    /// missing when processes of other users could not be read.
    private func resolveOwners(
        of sockets: [ListenerSocket], limits: CardinalityGuard, namespaces: [NamespaceID: String],
        deadline: ContinuousClock.Instant?
    ) -> ([ListenerOwnership], OwnerWalkStatistics?) {
        guard let owners else { return ([], nil) }
        let resolved = owners.owners(of: sockets, deadline: deadline)
        let unreadable = resolved.statistics.unresolved[.permission, default: 0]
        let subject = "owners privilege"
        if unreadable > 0 {
            log.log(
                privilegeNoticeLevel,
                "process names of listeners owned by other users are not readable; the process label is empty for them. Reading them needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
                about: subject, fingerprint: "denied",
                metadata: [
                    "unreadable_processes": "\(resolved.deniedProcesses)",
                    "listeners_without_process": "\(unreadable)",
                ])
        } else if resolved.statistics.unresolved.isEmpty {
            log.clear(subject)
        }
        let ownerships = ListenerOwnership.of(
            sockets, owners: resolved.owners, limits: limits, namespaces: namespaces)
        return (ownerships, resolved.statistics)
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
        let readSeconds = context.snapshot.outcomes.filter { Self.needs(name, $0) }.reduce(0) {
            $0 + $1.durationSeconds
        }
        return CollectorOutcome(
            collector: name.rawValue, success: success,
            durationSeconds: readSeconds + (clock.now - start).seconds)
    }

    /// Whether collector `name` needed the read of `outcome`.
    private static func needs(_ name: CollectorName, _ outcome: TableOutcome) -> Bool {
        switch name {
        case .listeners, .owners, .changes: outcome.coversListeners
        case .connections: outcome.table.transport == .tcp
        case .sockets, .ephemeral: outcome.selection == .everything
        case .process, .netns: false
        }
    }

    /// Says once that namespaces are read from `/proc/PID/net` because they cannot be entered, and that
    /// namespaces past the limit were not read.
    private func logSweepProblems(_ sweep: NamespaceSweepResult) {
        if let failure = sweep.enterFailure {
            log.log(
                .warning,
                "cannot enter network namespaces; their listeners are read from /proc/PID/net of a process in each instead. Entering them needs CAP_SYS_ADMIN",
                about: "netns enter", metadata: ["err": "\(failure)"])
        } else {
            log.clear("netns enter")
        }
        guard !sweep.overflow.isEmpty else {
            log.clear("netns overflow")
            return
        }
        var metadata: Logger.Metadata = [
            "namespaces": "\(sweep.readings.count + sweep.overflow.count)", "read": "\(sweep.readings.count)",
        ]
        if let advice = advice(.tooManyNamespaces) { metadata["advice"] = "\(advice)" }
        log.log(
            .warning, "more network namespaces than the limit; the others are not read",
            about: "netns overflow",
            fingerprint: "\(sweep.readings.count)", metadata: metadata)
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
            for table in options.demand.tables {
                totals[SkippedInputKey(source: source.kind(for: table), table: table), default: 0] += 0
            }
            return totals
        }
    }

    private func sources() -> [SocketTable: SocketSourceKind] {
        Dictionary(uniqueKeysWithValues: options.demand.tables.map { ($0, source.kind(for: $0)) })
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
