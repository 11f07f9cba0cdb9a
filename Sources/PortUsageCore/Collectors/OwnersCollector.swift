import Logging

/// `port_usage_listener_owner_info`: one series per listener key and distinct owner (user, unit, process),
/// to join with `port_usage_listeners` on `protocol, family, port, exposure`. Never a pid: it would churn.
/// With it, what the walk of the processes left unresolved and how much it read.
///
/// It owns the resolver, whose caches (user names, cgroup units, socket inodes) last as long as it does.
struct OwnersCollector: Collector {
    static let registration = CollectorRegistration(
        .owners, enabledByDefault: true,
        summary:
            "the user, unit and process owning each listener; process names need root or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
    ) { OwnersCollector($0) }

    let resolver: OwnerResolver
    let tables: [SocketTable]
    let log: RepeatSuppressingLog
    /// The level of the one line saying that other users' process names are not readable.
    let privilegeNoticeLevel: Logger.Level

    init(_ setup: CollectorSetup) {
        resolver = setup.owners
        tables = setup.options.tables
        log = setup.log
        privilegeNoticeLevel = setup.privilegeNoticeLevel
    }

    var demand: SocketDemand {
        SocketDemand(tables: tables, connections: false, everySocket: false, listenerSockets: true)
    }

    func uses(_ outcome: TableOutcome) -> Bool { outcome.coversListeners }

    /// Resolves the owners of the listening sockets into the context (the landing page shows them too),
    /// stopping its walk halfway to the collection's deadline; says once why process names are missing
    /// when processes of other users could not be read.
    ///
    /// Process names are searched for only for the sockets of ports within the cap: the sockets of the
    /// ports summed into `port="other"` are named by user and unit alone, so the walk's state stays bounded
    /// by the cap however many ports a host listens on.
    func prepare(_ context: inout CollectionContext) {
        let sockets = context.snapshot.counts.listenerSockets
        let limits = context.limits
        let resolved = resolver.owners(
            of: sockets.lazy.filter {
                limits.label(for: $0.key.port, transport: $0.key.table.transport) != .other
            },
            deadline: context.deadline.map { Self.walkDeadline(now: .now, collectionDeadline: $0) })
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
        context.owners = ListenerOwnership.of(
            sockets, owner: resolved.owner(of:), limits: context.limits,
            namespaces: context.namespaces?.labels ?? [:])
        context.ownerWalk = resolved.statistics
    }

    /// When the walk stops, starting at `now` in a collection due by `collectionDeadline`: halfway, so
    /// that the rest of the collection (series, exposition), whose cost is not known in advance, still
    /// ends in time.
    static func walkDeadline(now: ContinuousClock.Instant, collectionDeadline: ContinuousClock.Instant)
        -> ContinuousClock.Instant
    {
        collectionDeadline <= now ? collectionDeadline : now + (collectionDeadline - now) / 2
    }

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        // Rendered on every collection rather than kept in a `LabelSetCache` as the other series are: keyed
        // by whole ownerships (user, unit and process names), the cache held more than its text (0.8 MB at
        // 4,000 owner series, at the collection's peak); rendering them costs a few milliseconds.
        let sets = context.owners.map { LabelSet($0.labels) }
        families.append(
            MetricFamily(
                name: "port_usage_listener_owner_info",
                help:
                    "Who owns the listeners of a key: user, systemd unit or container scope, and process name; always 1. Join with port_usage_listeners on protocol, family, port, exposure.",
                type: .gauge, samples: sets.map { Sample(labelSet: $0, value: 1) }))
        families += context.ownerWalk?.families ?? []
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }
}
