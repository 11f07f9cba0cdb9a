#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What one ``NamespaceScanner/scan()`` found.
public struct NamespaceScan: Sendable, Equatable {
    /// The exporter's own namespace.
    public var host: NamespaceID
    /// Every other namespace, by inode: named ones with their name, the others ``NetworkNamespace/Kind/unnamed``
    /// until ``NamespaceScanner/identify(_:)`` names them.
    public var namespaces: [NetworkNamespace]
    /// Processes whose namespace could not be read (`EACCES`: another user's process, without
    /// `CAP_SYS_PTRACE`).
    public var deniedProcesses: Int
}

/// Finds the host's network namespaces: the namespace of every process (`/proc/PID/ns/net`, one process
/// kept per namespace, the oldest) and the named ones (`/run/netns/NAME`, which `ip netns add` bind-mounts).
///
/// Reading another user's `/proc/PID/ns/net` needs `CAP_SYS_PTRACE` (and `CAP_DAC_READ_SEARCH` where the
/// process's `/proc` directory is not searchable): without them those processes are counted as denied.
public struct NamespaceScanner: Sendable {
    /// The procfs mount point whose processes are scanned.
    public var procRoot: String
    /// Where `ip netns` bind-mounts named namespaces.
    public var namedDirectory: String

    public init(
        procRoot: String = HostPaths.standard.procfs,
        namedDirectory: String = HostPaths.standard.namedNamespaces
    ) {
        self.procRoot = procRoot
        self.namedDirectory = namedDirectory
    }

    /// The exporter's own namespace, read from `/proc/self` whatever ``procRoot`` is: a stand-in inode
    /// (`UInt32.max`) if it cannot be read.
    public static func ownNamespace() -> NamespaceID {
        var status = stat()
        guard stat("/proc/self/ns/net", &status) == 0, let inode = UInt32(exactly: status.st_ino) else {
            return NamespaceID(inode: .max)
        }
        return NamespaceID(inode: inode)
    }

    /// Scans the processes and the named namespaces.
    public func scan() -> NamespaceScan {
        let host = Self.ownNamespace()
        var found: [NamespaceID: NetworkNamespace] = [:]
        for (name, id) in namedNamespaces() where id != host {
            found[id] = NetworkNamespace(
                id: id, kind: .named, identity: String(escapingInvalidUTF8: name),
                path: RawPath(namedDirectory).appending(name), processID: nil)
        }
        var denied = 0
        for pid in ProcfsLink.processIDs(under: procRoot).sorted() {
            guard let id = namespace(ofProcess: pid) else {
                if errno == EACCES || errno == EPERM { denied += 1 }
                continue
            }
            if id == host { continue }
            let path = RawPath(procRoot + "/" + String(pid) + "/ns/net")
            if found[id] == nil {
                found[id] = NetworkNamespace(id: id, kind: .unnamed, identity: "", path: path, processID: pid)
            } else if found[id]?.processID == nil {
                found[id]?.processID = pid
            }
        }
        return NamespaceScan(
            host: host, namespaces: found.values.sorted { $0.id < $1.id }, deniedProcesses: denied)
    }

    /// The namespace of process `pid` (its `ns/net` link), or nil with `errno` set when it cannot be read.
    public func namespace(ofProcess pid: Int) -> NamespaceID? {
        guard let target = ProcfsLink.target(of: procRoot + "/" + String(pid) + "/ns/net") else { return nil }
        guard let inode = ProcfsLink.inode(of: target, type: "net").flatMap(UInt32.init(exactly:)) else {
            errno = EINVAL
            return nil
        }
        return NamespaceID(inode: inode)
    }

    /// Names an unnamed namespace by the pod or container of its process (its cgroup path); leaves it
    /// unnamed when the process is in neither, or its cgroup file cannot be read.
    public func identify(_ namespace: inout NetworkNamespace) {
        guard namespace.kind == .unnamed, let pid = namespace.processID,
            let text = try? FileReader.readText(procRoot + "/" + String(pid) + "/cgroup", limit: 64 * 1024),
            let (kind, identity) = ContainerIdentity.of(cgroupFile: text[...])
        else { return }
        namespace.kind = kind
        namespace.identity = identity
    }

    /// The namespaces bind-mounted under ``namedDirectory``, by name (its bytes: a name need not be UTF-8):
    /// entries that are not nsfs files (a stale file whose mount is gone) are left out.
    private func namedNamespaces() -> [([UInt8], NamespaceID)] {
        var nsfs = stat()
        guard stat("/proc/self/ns/net", &nsfs) == 0 else { return [] }
        let directory = RawPath(namedDirectory)
        return (DirectoryListing.entries(in: directory) ?? []).sorted { $0.lexicographicallyPrecedes($1) }
            .compactMap { name in
                var status = stat()
                guard directory.appending(name).withCString({ stat($0, &status) }) == 0,
                    status.st_dev == nsfs.st_dev, let inode = UInt32(exactly: status.st_ino)
                else { return nil }
                return (name, NamespaceID(inode: inode))
            }
    }
}
