import Logging

/// `port_usage_netns_*`: the network namespaces whose listeners the collection read, and how.
///
/// The listeners themselves are in `port_usage_listeners`, labelled `netns`. The collector fails when
/// namespaces were missed: processes whose namespace could not be read (another user's, without
/// `CAP_SYS_PTRACE`), or a namespace whose tables could not be read.
///
/// Off by default: it needs `CAP_SYS_ADMIN`, `CAP_SYS_PTRACE` and `CAP_DAC_READ_SEARCH`. It owns the sweep of
/// the namespaces and the sock_diag socket kept in each.
struct NetnsCollector: Collector {
    static let registration = CollectorRegistration(
        .netns, enabledByDefault: false,
        summary:
            "the listeners of every network namespace (containers, pods), labelled netns; needs CAP_SYS_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
    ) { NetnsCollector(setup: $0) }

    let sweep: NamespaceSweep
    let tables: [SocketTable]
    let log: RepeatSuppressingLog
    let advice: CollectionAdvice

    init(setup: CollectorSetup) {
        sweep = NamespaceSweep(
            scanner: setup.namespaceScanner, maximumNamespaces: setup.options.maxNamespaces)
        tables = setup.options.tables
        log = setup.log
        advice = setup.advice
    }

    var separatesNamespaces: Bool { true }

    /// Reads the listeners of the other namespaces into the reading: one by one when the host's read kept
    /// its listening sockets (for the collectors that asked, such as owners and saturation).
    func extend(_ reading: inout CollectionReading, poll: Bool, deadline: ContinuousClock.Instant?) {
        var demand = SocketDemand.listeners(of: tables)
        demand.listenerSockets = reading.demand.listenerSockets
        let result = sweep.sweep(demand: demand, deadline: deadline)
        reading.snapshot.counts.absorb(result.counts)
        reading.sweep = result
        if !poll { logProblems(result) }
    }

    /// Says once that namespaces are read from `/proc/PID/net` because they cannot be entered, and that
    /// namespaces past the limit were not read.
    private func logProblems(_ sweep: NamespaceSweepResult) {
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

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        guard let sweep = context.namespaces else { return }
        var info = [
            Sample(
                labels: [Label("netns", "host"), Label("kind", "host"), Label("id", "")], value: 1)
        ]
        var byStatus: [String: Int] = [
            "netlink": 0, "procfs": 0, "failed": 0, "over_limit": sweep.overflow.count,
        ]
        // A namespace that vanished while it was read (neither read nor failed) is left out.
        for reading in sweep.readings where reading.source != nil || reading.failure != nil {
            info.append(
                Sample(
                    labels: [
                        Label("netns", reading.label), Label("kind", reading.namespace.kind.rawValue),
                        Label("id", reading.namespace.identity),
                    ], value: 1))
            byStatus[reading.failure == nil ? reading.source?.rawValue ?? "failed" : "failed", default: 0] +=
                1
        }
        families += [
            MetricFamily(
                name: "port_usage_netns_info",
                help:
                    "A network namespace whose listeners are labelled netns: its kind (host, named, pod, container, unnamed) and id (the /run/netns name, pod UID or container id); always 1.",
                type: .gauge, samples: info),
            MetricFamily(
                name: "port_usage_netns_namespaces",
                help:
                    "Network namespaces other than the host's found in the last collection, by how they were read: netlink (entered), procfs (/proc/PID/net), failed, or over_limit (past --collector.netns.max-namespaces, not read).",
                type: .gauge,
                samples: byStatus.sorted { $0.key < $1.key }.map {
                    Sample(labels: [Label("status", $0.key)], value: Double($0.value))
                }),
            MetricFamily(
                name: "port_usage_netns_denied_processes",
                help:
                    "Processes whose network namespace could not be read: another user's process without CAP_SYS_PTRACE, or one a security module protects.",
                type: .gauge, samples: [Sample(value: Double(sweep.deniedProcesses))]),
        ]
        if let failure = NamespaceSweepFailure(sweep) { throw failure }
    }
}

/// Why a namespace sweep missed namespaces.
struct NamespaceSweepFailure: Error, CustomStringConvertible {
    var description: String

    /// The failure of `sweep`, or nil when it read every namespace it found.
    init?(_ sweep: NamespaceSweepResult) {
        var reasons: [String] = []
        if sweep.deniedProcesses > 0 && !sweep.canTraceProcesses {
            reasons.append(
                "the network namespaces of other users' processes are not readable: reading them needs CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
            )
        }
        for reading in sweep.readings {
            guard let failure = reading.failure else { continue }
            reasons.append("netns \(reading.label): \(failure)")
        }
        guard !reasons.isEmpty else { return nil }
        description = reasons.joined(separator: "; ")
    }
}
