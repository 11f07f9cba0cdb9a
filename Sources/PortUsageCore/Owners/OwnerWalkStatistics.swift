/// Why a listener's processes are not named: the `reason` label of
/// `port_usage_owner_unresolved_listeners`.
public enum UnresolvedOwnerReason: String, Sendable, CaseIterable {
    /// No process read holds it: a descriptor in flight in an `SCM_RIGHTS` message, or a kernel socket.
    case noProcess = "no_process"
    /// Not found, and processes of other users than the exporter's could not be read.
    case permission
    /// The walk stopped at its per-scrape descriptor budget; it resumes at the next scrape.
    case budget
    /// The walk stopped at the scrape's deadline; it resumes at the next scrape.
    case deadline
}

/// What the owners walk left unresolved in one collection, and what it has read so far.
public struct OwnerWalkStatistics: Sendable, Equatable {
    /// The listening sockets (with an inode) whose processes are not named, by reason.
    public var unresolved: [UnresolvedOwnerReason: Int] = [:]
    /// The descriptors read in `/proc/PID/fd` since the exporter started.
    public var descriptorsRead = 0

    public init(unresolved: [UnresolvedOwnerReason: Int] = [:], descriptorsRead: Int = 0) {
        self.unresolved = unresolved
        self.descriptorsRead = descriptorsRead
    }

    /// The families of these statistics: every reason always, so that a reason going back to 0 is seen.
    var families: [MetricFamily] {
        [
            MetricFamily(
                name: "port_usage_owner_unresolved_listeners",
                help:
                    "Listening sockets whose processes are not named, by reason: no_process (no process holds it, such as a descriptor in flight in an SCM_RIGHTS message), permission (other users' processes could not be read), budget or deadline (the walk of /proc/PID/fd stopped at --collector.owners.max-descriptors or at the scrape deadline, and resumes at the next scrape).",
                type: .gauge,
                samples: UnresolvedOwnerReason.allCases.map {
                    Sample(labels: [Label("reason", $0.rawValue)], value: Double(unresolved[$0, default: 0]))
                }),
            MetricFamily(
                name: "port_usage_owner_descriptors_read_total",
                help:
                    "Descriptors read in /proc/PID/fd by the owners collector to find the processes of listeners.",
                type: .counter, samples: [Sample(value: Double(descriptorsRead))]),
        ]
    }
}
