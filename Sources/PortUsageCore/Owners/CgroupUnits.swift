import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The systemd unit or container scope of a cgroup v2 id (what sock_diag reports for a socket): the id is
/// the inode number of the cgroup's directory, so the tree under ``root`` is walked to map ids to paths.
///
/// The walk is cached; an id not found causes a new walk at most every ``rewalkInterval``, and at most
/// ``maximumDirectories`` are visited. No privilege is needed: cgroup directories are world-readable.
public final class CgroupUnits: Sendable {
    /// The cgroup v2 hierarchy walked: `/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` on a hybrid host.
    public let root: String
    /// The least time between two walks.
    public let rewalkInterval: Duration
    /// The most directories one walk visits.
    public static let maximumDirectories = 100_000

    private struct State {
        var paths: [UInt64: String] = [:]
        var lastWalk: ContinuousClock.Instant?
    }

    private let state = Locked(State())

    /// Maps ids under `root`, or under `root/unified` on a host that mounts cgroup v1 at `root` and the v2
    /// hierarchy (whose ids sock_diag reports) beside it.
    public init(root: String = HostPaths.standard.cgroup, rewalkInterval: Duration = .seconds(10)) {
        let isVersion2 = access(root + "/cgroup.controllers", F_OK) == 0
        let unified = root + "/unified"
        self.root = !isVersion2 && access(unified + "/cgroup.controllers", F_OK) == 0 ? unified : root
        self.rewalkInterval = rewalkInterval
    }

    /// The unit of cgroup `id`: the innermost `.service` or `.scope` of its path, else its last
    /// component; empty for the root cgroup and for ids that are not found.
    public func unit(of id: UInt64) -> String {
        let path: String? = state.withLock { state in
            if let path = state.paths[id] { return path }
            let now = ContinuousClock.now
            if let last = state.lastWalk, now - last < rewalkInterval { return nil }
            state.paths = Self.walk(root)
            state.lastWalk = now
            return state.paths[id]
        }
        return path.map(Self.unit(ofPath:)) ?? ""
    }

    /// The unit named by a cgroup path relative to the root, such as `system.slice/ssh.service` or
    /// `kubepods.slice/.../cri-containerd-0123.scope`.
    public static func unit(ofPath path: String) -> String {
        let components = path.split(separator: "/")
        if let unit = components.last(where: { $0.hasSuffix(".service") || $0.hasSuffix(".scope") }) {
            return String(unit)
        }
        return components.last.map(String.init) ?? ""
    }

    /// Maps the inode of every directory under `root` to its path relative to `root`.
    static func walk(_ root: String) -> [UInt64: String] {
        var paths: [UInt64: String] = [:]
        var pending: [String] = [""]
        var info = stat()
        if stat(root, &info) == 0 { paths[UInt64(info.st_ino)] = "" }
        while let relative = pending.popLast(), paths.count < maximumDirectories {
            let directory = relative.isEmpty ? root : root + "/" + relative
            guard let stream = opendir(directory) else { continue }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                guard entry.pointee.d_type == DT_DIR else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                paths[UInt64(entry.pointee.d_ino)] = child
                pending.append(child)
            }
        }
        return paths
    }
}
