/// Kernel socket states as numbered in `include/net/tcp_states.h`.
///
/// Their labels are lowercase, as `ss` spells them, with underscores: `established`, `syn_recv`, ...
public enum SocketState: UInt8, Sendable, CaseIterable, Comparable {
    case established = 1
    case synSent = 2
    case synRecv = 3
    case finWait1 = 4
    case finWait2 = 5
    case timeWait = 6
    case close = 7
    case closeWait = 8
    case lastAck = 9
    case listen = 10
    case closing = 11
    case newSynRecv = 12

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The `state` label value of a TCP socket in this state.
    public var tcpLabel: String {
        switch self {
        case .established: "established"
        case .synSent: "syn_sent"
        case .synRecv: "syn_recv"
        case .finWait1: "fin_wait1"
        case .finWait2: "fin_wait2"
        case .timeWait: "time_wait"
        case .close: "close"
        case .closeWait: "close_wait"
        case .lastAck: "last_ack"
        case .listen: "listen"
        case .closing: "closing"
        case .newSynRecv: "new_syn_recv"
        }
    }

    /// The `state` label value of a UDP socket: the kernel marks a connected UDP socket `established`.
    public var udpLabel: String { self == .established ? "connected" : "unconnected" }
}
