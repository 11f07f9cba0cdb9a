/// One socket as a source reports it: what every source can say, plus what sock_diag adds for free.
///
/// Sources stream records into a ``SocketRecordConsumer`` one at a time; no source keeps an array of them.
public struct SocketRecord: Sendable, Equatable {
    public var transport: TransportProtocol
    public var state: SocketState
    public var localAddress: IPAddress
    public var localPort: UInt16
    public var remoteAddress: IPAddress
    public var remotePort: UInt16
    /// The socket's inode number (0 for TIME_WAIT and request sockets, which have none).
    public var inode: UInt64
    /// The owner's user id, as the kernel records it.
    public var uid: UInt32
    /// Whether an IPv6 socket accepts only IPv6 (`IPV6_V6ONLY`); nil when the source does not say (procfs)
    /// and for IPv4 sockets.
    public var v6only: Bool?
    /// A listener's accept-queue depth (connections waiting for `accept`); for other sockets, bytes
    /// received and not yet read. Nil when the source does not say.
    public var receiveQueue: UInt32?
    /// A listener's backlog (the most connections its accept queue holds); for other sockets, bytes sent
    /// and not yet acknowledged. Nil when the source does not say (procfs does not give a listener's backlog).
    public var sendQueue: UInt32?
    /// The id of the socket's cgroup (v2), when sock_diag reports it.
    public var cgroupID: UInt64?
    /// What the socket dropped since it was made (the kernel's `sk_drops`): connections a listener
    /// refused with its accept queue full, datagrams lost to a full receive buffer. Nil when the source
    /// does not say (procfs for TCP). The kernel counts in 32 bits, which wrap.
    public var drops: UInt32?

    public init(
        transport: TransportProtocol, state: SocketState, localAddress: IPAddress, localPort: UInt16,
        remoteAddress: IPAddress, remotePort: UInt16, inode: UInt64 = 0, uid: UInt32 = 0,
        v6only: Bool? = nil, receiveQueue: UInt32? = nil, sendQueue: UInt32? = nil, cgroupID: UInt64? = nil,
        drops: UInt32? = nil
    ) {
        self.transport = transport
        self.state = state
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.inode = inode
        self.uid = uid
        self.v6only = v6only
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.cgroupID = cgroupID
        self.drops = drops
    }

    /// The address family of the socket.
    public var family: AddressFamily { localAddress.family }

    /// The table this socket is listed in (`/proc/net/<name>`, or the sock_diag dump of its protocol and family).
    public var table: SocketTable { SocketTable(transport: transport, family: family) }

    /// Whether the socket is a listener: TCP in LISTEN, or UDP bound to a port and not connected.
    public var isListener: Bool {
        switch transport {
        case .tcp: state == .listen
        case .udp: state == .close && localPort != 0 && remotePort == 0 && remoteAddress.isUnspecified
        }
    }
}
