/// One owner of the listeners of a key: the series of `port_usage_listener_owner_info`.
public struct ListenerOwnership: Sendable, Hashable, Comparable {
    public var table: SocketTable
    public var port: PortLabel
    public var exposure: Exposure
    public var user: String
    public var unit: String
    /// One process name; empty when none could be read.
    public var process: String
    /// The network namespace, when namespaces are told apart.
    public var namespace: NamespaceID = .untagged
    /// The `netns` label, when namespaces are told apart.
    public var netns: String?
    /// How many of the key's sockets this owner holds: what the policy counts as unexpected when it does
    /// not allow the owner.
    public var sockets = 0

    public init(
        table: SocketTable, port: PortLabel, exposure: Exposure, user: String, unit: String, process: String,
        namespace: NamespaceID = .untagged, netns: String? = nil, sockets: Int = 0
    ) {
        self.table = table
        self.port = port
        self.exposure = exposure
        self.user = user
        self.unit = unit
        self.process = process
        self.namespace = namespace
        self.netns = netns
        self.sockets = sockets
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        let left = (lhs.table.transport, lhs.port, lhs.table.family, lhs.exposure, lhs.namespace)
        let right = (rhs.table.transport, rhs.port, rhs.table.family, rhs.exposure, rhs.namespace)
        if left != right { return left < right }
        return (lhs.user, lhs.unit, lhs.process) < (rhs.user, rhs.unit, rhs.process)
    }

    /// The names the policy judges this owner by.
    public var names: PortPolicy.OwnerNames {
        PortPolicy.OwnerNames(user: user, unit: unit, process: process)
    }

    /// Whether this owner belongs to the listener series `series`.
    public func owns(_ series: ListenerSeries) -> Bool {
        table.transport == series.transport && table.family == series.family && port == series.port
            && exposure == series.exposure && namespace == series.namespace
    }

    var labels: [Label] {
        NamespaceLabel.labels(netns) + [
            Label("protocol", table.transport.rawValue), Label("family", table.family.rawValue),
            Label("port", port.description), Label("exposure", exposure.rawValue), Label("user", user),
            Label("unit", unit), Label("process", process),
        ]
    }

    /// The ownerships of `sockets`, each owned as `owner` says: one per key and distinct owner, a socket
    /// held by processes of several names giving one each, with the number of sockets it holds; sorted. A
    /// namespace's `netns` label is its name in `namespaces`.
    ///
    /// Made distinct and counted in a dictionary as they come, each as its key and the number of its
    /// (user, unit, process): the ports past the cap share one `other` key, so a host with many listeners
    /// has far fewer ownerships than sockets, and far fewer owners than ownerships. A set of whole
    /// ownerships (80 bytes each) was the peak of a collection at 17,000 listeners; its entries take 16
    /// bytes and a 4-byte count.
    static func of(
        _ sockets: some Sequence<ListenerSocket>, owner: (ListenerSocket) -> SocketOwner,
        limits: CardinalityGuard,
        namespaces: [NamespaceID: String] = [:]
    ) -> [ListenerOwnership] {
        var owners = OwnerNumbers()
        var distinct: [KeyedOwner: Int32] = [:]
        for socket in sockets {
            let owner = owner(socket)
            let port = limits.label(for: socket.key.port, transport: socket.key.table.transport)
            for process in owner.processes.isEmpty ? [""] : owner.processes {
                let key = KeyedOwner(
                    table: socket.key.table, port: port, exposure: socket.key.exposure,
                    namespace: socket.key.namespace,
                    owner: owners.number(
                        of: PortPolicy.OwnerNames(user: owner.user, unit: owner.unit, process: process)))
                distinct[key, default: 0] += 1
            }
        }
        let ranks = owners.ranks()
        var sorted = Array(distinct)
        distinct = [:]
        sorted.sort { $0.key.precedes($1.key, ranks: ranks) }
        return sorted.map { entry, sockets in
            let names = owners.names[Int(entry.owner)]
            return ListenerOwnership(
                table: entry.table, port: entry.port, exposure: entry.exposure, user: names.user,
                unit: names.unit, process: names.process, namespace: entry.namespace,
                netns: NamespaceLabel.value(of: entry.namespace, in: namespaces), sockets: Int(sockets))
        }
    }
}

/// Numbers the distinct owners in the order they are met.
private struct OwnerNumbers {
    private(set) var names: [PortPolicy.OwnerNames] = []
    private var numbers: [PortPolicy.OwnerNames: Int32] = [:]

    /// The number of `owner`, given it the first time it is met.
    mutating func number(of owner: PortPolicy.OwnerNames) -> Int32 {
        if let number = numbers[owner] { return number }
        let number = Int32(names.count)
        names.append(owner)
        numbers[owner] = number
        return number
    }

    /// Each owner's place, by number, in the order of user, unit and process.
    func ranks() -> [Int] {
        var ranks = [Int](repeating: 0, count: names.count)
        let order = names.indices.sorted { names[$0] < names[$1] }
        for (rank, number) in order.enumerated() { ranks[number] = rank }
        return ranks
    }
}

/// An ownership while ownerships are made distinct: its key and its owner's number.
private struct KeyedOwner: Hashable {
    var table: SocketTable
    var port: PortLabel
    var exposure: Exposure
    var namespace: NamespaceID
    var owner: Int32

    /// Whether this comes first in the order of ownerships (``ListenerOwnership/<(_:_:)``), given each
    /// owner's place among the owners by number.
    func precedes(_ other: Self, ranks: [Int]) -> Bool {
        (table.transport, port, table.family, exposure, namespace, ranks[Int(owner)])
            < (
                other.table.transport, other.port, other.table.family, other.exposure, other.namespace,
                ranks[Int(other.owner)]
            )
    }
}
