/// One listening socket as it was read: kept when the owners of listeners, or a listing of them, are wanted.
public struct ListenerSocket: Sendable, Equatable {
    /// The key the socket is counted under.
    public var key: ListenerKey
    public var address: IPAddress
    /// The socket's inode (0 when the source does not give one).
    public var inode: UInt64
    public var uid: UInt32
    /// The socket's cgroup v2 id, when the source gives it (sock_diag).
    public var cgroupID: UInt64?
    /// Connections waiting in the accept queue (TCP), or bytes queued to be read (UDP).
    public var queued: UInt32?
    /// The accept queue's size (TCP, sock_diag only).
    public var backlog: UInt32?
    /// What the socket dropped since it was made (``SocketRecord/drops``), when the source says.
    public var drops: UInt32?
    public var v6only: Bool?

    public init(record: SocketRecord, key: ListenerKey) {
        self.key = key
        address = record.localAddress
        inode = record.inode
        uid = record.uid
        cgroupID = record.cgroupID
        queued = record.receiveQueue
        backlog = record.transport == .tcp ? record.sendQueue : nil
        drops = record.drops
        v6only = record.v6only
    }
}
