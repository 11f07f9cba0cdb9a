/// Where the host's kernel interfaces are mounted: the one place their defaults are written. Every reader
/// of procfs, sysfs and the named network namespaces takes its root from here unless told otherwise
/// (`--path.procfs`, `--path.sysfs`, a test's fixture tree).
public struct HostPaths: Sendable, Equatable {
    /// The procfs mount point.
    public var procfs: String
    /// The sysfs mount point.
    public var sysfs: String
    /// Where `ip netns` bind-mounts named network namespaces.
    public var namedNamespaces: String

    public init(procfs: String = "/proc", sysfs: String = "/sys", namedNamespaces: String = "/run/netns") {
        self.procfs = procfs
        self.sysfs = sysfs
        self.namedNamespaces = namedNamespaces
    }

    /// The host's own paths.
    public static let standard = HostPaths()

    /// The cgroup hierarchy under ``sysfs``, whose directory inodes are the cgroup ids sock_diag reports.
    public var cgroup: String { sysfs + "/fs/cgroup" }
}
