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

/// Resolves the owners of listening sockets, caching what it learns: user names by uid, units by cgroup id,
/// process names by socket inode.
public final class OwnerResolver: Sendable {
    public let users: UserNames
    public let units: CgroupUnits
    public let processes: SocketProcesses

    /// A resolver reading processes under `procRoot` and cgroups under `cgroupRoot`.
    public init(procRoot: String = "/proc", cgroupRoot: String = "/sys/fs/cgroup") {
        users = UserNames()
        units = CgroupUnits(root: cgroupRoot)
        processes = SocketProcesses(procRoot: procRoot)
    }

    /// The owner of each socket, in order, and how many processes could not be read for lack of privilege.
    public func owners(of sockets: [ListenerSocket]) -> (owners: [SocketOwner], denied: Int) {
        let lookup = processes.names(holding: Set(sockets.map(\.inode)))
        let owners = sockets.map { socket in
            SocketOwner(
                user: users.name(of: socket.uid), unit: socket.cgroupID.map(units.unit(of:)) ?? "",
                processes: lookup.names[socket.inode, default: []])
        }
        return (owners, lookup.denied)
    }
}
