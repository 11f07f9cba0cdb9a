/// One listening socket as it was read: kept when the owners of listeners, their saturation, or a listing
/// of them are wanted.
///
/// A host can have tens of thousands of listeners, each kept for a whole collection, so the socket is
/// stored in 64 bytes: the address without its family (the key's table has it) and the optional numbers
/// with a value that the kernel never gives standing for "not said".
public struct ListenerSocket: Sendable, Equatable {
    private var addressHigh: UInt64
    private var addressLow: UInt64
    /// The socket's inode (0 when the source does not give one).
    public var inode: UInt64
    private var storedCgroupID: UInt64
    /// The key the socket is counted under.
    public var key: ListenerKey
    public var uid: UInt32
    private var storedQueued: UInt32
    private var storedBacklog: UInt32
    private var storedDrops: UInt32
    private var storedV6only: UInt8

    /// Stands for a number the source did not give: no queue, backlog or drop count reaches it (the kernel's
    /// are bounded by `somaxconn` and socket buffer sizes, and a drop count that did would be wrong anyway).
    private static let unsaid = UInt32.max

    public init(record: SocketRecord, key: ListenerKey) {
        self.key = key
        addressHigh = record.localAddress.high
        addressLow = record.localAddress.low
        inode = record.inode
        uid = record.uid
        storedCgroupID = 0
        storedQueued = Self.unsaid
        storedBacklog = Self.unsaid
        storedDrops = Self.unsaid
        storedV6only = 0
        cgroupID = record.cgroupID
        queued = record.receiveQueue
        backlog = record.transport == .tcp ? record.sendQueue : nil
        drops = record.drops
        v6only = record.v6only
    }

    public var address: IPAddress {
        IPAddress(family: key.table.family, high: addressHigh, low: addressLow)
    }

    /// The socket's cgroup v2 id, when the source gives it (sock_diag; no cgroup has id 0).
    public var cgroupID: UInt64? {
        get { storedCgroupID == 0 ? nil : storedCgroupID }
        set { storedCgroupID = newValue ?? 0 }
    }

    /// Connections waiting in the accept queue (TCP), or bytes queued to be read (UDP).
    public var queued: UInt32? {
        get { Self.said(storedQueued) }
        set { storedQueued = newValue ?? Self.unsaid }
    }

    /// The accept queue's size (TCP, sock_diag only).
    public var backlog: UInt32? {
        get { Self.said(storedBacklog) }
        set { storedBacklog = newValue ?? Self.unsaid }
    }

    /// What the socket dropped since it was made (``SocketRecord/drops``), when the source says.
    public var drops: UInt32? {
        get { Self.said(storedDrops) }
        set { storedDrops = newValue ?? Self.unsaid }
    }

    public var v6only: Bool? {
        get { storedV6only == 0 ? nil : storedV6only == 2 }
        set { storedV6only = newValue.map { $0 ? 2 : 1 } ?? 0 }
    }

    private static func said(_ value: UInt32) -> UInt32? { value == unsaid ? nil : value }
}
