/// The registry of collectors: each one's name (as in `--collector.<name>` and the `collector` label),
/// whether it runs by default, and what it collects.
public enum CollectorName: String, Sendable, CaseIterable, Comparable {
    /// Listening sockets per port, classified (`port_usage_listeners`, `port_usage_unexpected_listeners`).
    case listeners
    /// Inbound TCP connections per listener port, by state (`port_usage_connections`).
    case connections
    /// When each listener was first and last seen, and how often listeners opened and closed
    /// (`port_usage_listener_first_seen_timestamp_seconds`, ...); polled between scrapes.
    case changes
    /// Who owns each listener: user, unit and process (`port_usage_listener_owner_info`).
    case owners
    /// Every socket by state (`port_usage_sockets`). Off by default: it makes every table be read whole,
    /// connections included, which is what the kernel-side selection saves on busy hosts.
    case sockets
    /// Ephemeral port pressure (`port_usage_ephemeral_ports_*`). Off by default: like `sockets`, it reads
    /// every socket.
    case ephemeral
    /// The exporter's own `process_*` metrics.
    case process
    /// The listeners of every network namespace (containers, pods), with a `netns` label on the listener,
    /// owner and change series (`port_usage_netns_*`). Off by default: it needs `CAP_SYS_ADMIN`,
    /// `CAP_SYS_PTRACE` and `CAP_DAC_READ_SEARCH`.
    case netns

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether the collector runs unless disabled.
    public var isEnabledByDefault: Bool { self != .sockets && self != .ephemeral && self != .netns }

    /// One line on what the collector exports.
    public var summary: String {
        switch self {
        case .listeners: "listening sockets per port, by IANA range and assignment"
        case .connections: "inbound TCP connections per listening port, by state"
        case .changes:
            "when each listener was first and last seen, and listener changes, polled between scrapes"
        case .owners:
            "the user, unit and process owning each listener; process names need root or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
        case .sockets: "every socket by state; reads every socket of every table"
        case .ephemeral:
            "ephemeral port pressure, host-wide and toward the busiest destination; reads every socket"
        case .process: "the exporter's own process_* metrics"
        case .netns:
            "the listeners of every network namespace (containers, pods), labelled netns; needs CAP_SYS_ADMIN, CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH"
        }
    }

    /// The collectors that run by default.
    public static var defaults: Set<CollectorName> { Set(allCases.filter(\.isEnabledByDefault)) }
}
