#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Who owns a listening socket: its user, its systemd unit or container scope, and the names of the
/// processes holding it.
public struct SocketOwner: Sendable, Hashable {
    /// The socket's uid as a user name, or the number when it has no name.
    public var user: String
    /// The unit or scope of the socket's cgroup; empty when the source gives no cgroup or it is not found.
    public var unit: String
    /// The distinct names (`comm`) of the processes holding the socket, sorted; empty when none could be read.
    public var processes: [String]

    public init(user: String, unit: String, processes: [String]) {
        self.user = user
        self.unit = unit
        self.processes = processes
    }
}

/// The owners of some listening sockets, and what the walk of the processes left unresolved.
///
/// Owners are made one socket at a time (``owner(of:)``) rather than kept in an array beside the sockets:
/// a host with tens of thousands of listeners exports far fewer distinct owners.
public struct OwnerResolution: Sendable {
    private let resolver: OwnerResolver
    private let names: [UInt64: [String]]
    /// The processes that could not be read for lack of privilege in this resolution's walk.
    public var deniedProcesses: Int
    /// Why the sockets without process names have none, and the descriptors read so far.
    public var statistics: OwnerWalkStatistics

    init(
        resolver: OwnerResolver, names: [UInt64: [String]], deniedProcesses: Int,
        statistics: OwnerWalkStatistics
    ) {
        self.resolver = resolver
        self.names = names
        self.deniedProcesses = deniedProcesses
        self.statistics = statistics
    }

    /// The owner of `socket`, one of the sockets resolved.
    public func owner(of socket: ListenerSocket) -> SocketOwner {
        SocketOwner(
            user: resolver.users.name(of: socket.uid),
            unit: socket.cgroupID.map(resolver.units.unit(of:)) ?? "",
            processes: names[socket.inode, default: []])
    }
}

/// Resolves the owners of listening sockets, caching what it learns: user names by uid, units by cgroup id,
/// process names by socket inode.
public final class OwnerResolver: Sendable {
    public let users: UserNames
    public let units: CgroupUnits
    public let processes: SocketProcesses

    /// A resolver reading processes under `procRoot`, at most `maxDescriptors` of their descriptors per
    /// resolution, and cgroups under `cgroupRoot`.
    public init(
        procRoot: String = HostPaths.standard.procfs, cgroupRoot: String = HostPaths.standard.cgroup,
        maxDescriptors: Int = .max
    ) {
        users = UserNames()
        units = CgroupUnits(root: cgroupRoot)
        processes = SocketProcesses(procRoot: procRoot, maxDescriptors: maxDescriptors)
    }

    /// The owners of `sockets`, walking the processes until `deadline` at the latest.
    public func owners(of sockets: some Sequence<ListenerSocket>, deadline: ContinuousClock.Instant? = nil)
        -> OwnerResolution
    {
        let lookup = processes.names(holding: Set(sockets.lazy.map(\.inode)), deadline: deadline)
        var statistics = OwnerWalkStatistics(descriptorsRead: lookup.descriptorsRead)
        let ownUser = UInt32(geteuid())
        for socket in sockets {
            guard let unresolved = lookup.unresolved[socket.inode] else { continue }
            statistics.unresolved[
                Self.reason(unresolved, socketUser: socket.uid, ownUser: ownUser), default: 0] += 1
        }
        return OwnerResolution(
            resolver: self, names: lookup.names, deniedProcesses: lookup.denied, statistics: statistics)
    }

    /// The reason of `unresolved` for a socket of user `socketUser`. A socket not found although some
    /// processes could not be read is put down to them unless it is the exporter's own user's: those
    /// processes are readable, so the socket is most likely held by none.
    static func reason(_ unresolved: SocketProcesses.Unresolved, socketUser: UInt32, ownUser: UInt32)
        -> UnresolvedOwnerReason
    {
        switch unresolved {
        case .notFound(let denied): denied && socketUser != ownUser ? .permission : .noProcess
        case .searching(.budget): .budget
        case .searching(.deadline): .deadline
        }
    }
}
