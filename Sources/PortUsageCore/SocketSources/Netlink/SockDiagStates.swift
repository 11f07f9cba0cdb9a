/// The `idiag_states` bitmask of a dump: bit `n` asks for sockets in kernel state `n`
/// (``SocketState``, `include/net/tcp_states.h`).
public enum SockDiagStates {
    /// Every state the kernel defines, `TCP_ESTABLISHED` (1) to `TCP_NEW_SYN_RECV` (12).
    public static let all: UInt32 = SocketState.allCases.reduce(0) { $0 | bit($1) }

    /// The bit of one state.
    public static func bit(_ state: SocketState) -> UInt32 { 1 << UInt32(state.rawValue) }

    /// The state that makes a socket of `transport` a listener: `LISTEN` for TCP, `CLOSE` (bound and not
    /// connected) for UDP.
    public static func listenerState(of transport: TransportProtocol) -> SocketState {
        transport == .tcp ? .listen : .close
    }

    /// The states a dump of `transport` sockets asks for to serve `selection`.
    ///
    /// - ``SocketSelection/listeners``: the listener state alone.
    /// - ``SocketSelection/connections(localPorts:)``: every state but the listener state. For TCP that
    ///   includes `SYN_RECV` and `NEW_SYN_RECV`, so the kernel also lists request sockets (reported as
    ///   `SYN_RECV`, as `/proc/net/tcp` does); for UDP it leaves the connected (`ESTABLISHED`) sockets.
    /// - ``SocketSelection/everything``: ``all``.
    public static func mask(for selection: SocketSelection, transport: TransportProtocol) -> UInt32 {
        switch selection {
        case .listeners: bit(listenerState(of: transport))
        case .connections: all & ~bit(listenerState(of: transport))
        case .everything: all
        }
    }
}
