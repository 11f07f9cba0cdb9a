/// `port_usage_listener_owner_info`: one series per listener key and distinct owner (user, unit, process),
/// to join with `port_usage_listeners` on `protocol, family, port, exposure`. Never a pid: it would churn.
struct OwnersCollector: Collector {
    let resolver: OwnerResolver
    let log: RepeatSuppressingLog

    /// One series: a listener key and one of its owners.
    struct Key: Hashable, Sendable, Comparable {
        var table: SocketTable
        var port: PortLabel
        var exposure: Exposure
        var user: String
        var unit: String
        var process: String

        static func < (lhs: Self, rhs: Self) -> Bool {
            let left = (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure)
            let right = (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure)
            if left != right { return left < right }
            return (lhs.user, lhs.unit, lhs.process) < (rhs.user, rhs.unit, rhs.process)
        }

        var labels: [Label] {
            [
                Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
                Label("port", port.description), Label("exposure", exposure.rawValue), Label("user", user),
                Label("unit", unit), Label("process", process),
            ]
        }
    }

    private let labelSets = LabelSetCache<Key>()

    func update(_ context: CollectionContext, into families: inout [MetricFamily]) throws {
        let sockets = context.snapshot.counts.listenerSockets
        let (owners, denied) = resolver.owners(of: sockets)
        var keys: Set<Key> = []
        var unnamed = 0
        for (socket, owner) in zip(sockets, owners) {
            let port = context.limits.label(for: socket.key.port, transport: socket.key.table.transport)
            if owner.processes.isEmpty && socket.inode != 0 { unnamed += 1 }
            for process in owner.processes.isEmpty ? [""] : owner.processes {
                keys.insert(
                    Key(
                        table: socket.key.table, port: port, exposure: socket.key.exposure, user: owner.user,
                        unit: owner.unit, process: process))
            }
        }
        reportMissingPrivilege(denied: denied, unnamed: unnamed)
        let ordered = keys.sorted()
        let sets = labelSets.labelSets(for: ordered, key: { $0 }, labels: \.labels)
        families.append(
            MetricFamily(
                name: "port_usage_listener_owner_info",
                help:
                    "Who owns the listeners of a key: user, systemd unit or container scope, and process name; always 1. Join with port_usage_listeners on protocol, family, port, exposure.",
                type: .gauge, samples: sets.map { Sample(labelSet: $0, value: 1) }))
        try TableReadFailure.check(context.snapshot.outcomes.lazy.filter(\.coversListeners))
    }

    /// Says once why process names are missing: processes of other users could not be read.
    private func reportMissingPrivilege(denied: Int, unnamed: Int) {
        let subject = "owners privilege"
        guard denied > 0, unnamed > 0 else {
            if unnamed == 0 { log.clear(subject) }
            return
        }
        log.log(
            .warning,
            "process names of listeners owned by other users are not readable; the process label is empty for them. Reading them needs root, or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH",
            about: subject, fingerprint: "denied",
            metadata: ["unreadable_processes": "\(denied)", "listeners_without_process": "\(unnamed)"])
    }
}
