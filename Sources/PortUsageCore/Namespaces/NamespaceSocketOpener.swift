import CNamespaces

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Opens sock_diag sockets inside other network namespaces.
///
/// A netlink socket answers about the namespace it was created in, whatever thread uses it later. So a
/// thread of its own opens the namespace's file, checks that it is still the namespace asked for (a
/// process id may have been reused), enters it with `setns`, creates the socket, goes back, and ends: no
/// thread of the exporter ever runs in another namespace. `setns` needs `CAP_SYS_ADMIN`; opening another
/// user's `/proc/PID/ns/net` needs `CAP_SYS_PTRACE`.
enum NamespaceSocketOpener {
    /// An opener of sockets in `namespace`; its errors name the step that failed (`open`, `setns`, ...).
    static func opener(for namespace: NetworkNamespace) -> SockDiagSocketOpener {
        let path = namespace.path
        let id = namespace.id
        return { (table) throws(SocketSourceError) in
            let result =
                onDedicatedThread { socket(in: path, id: id, table: table) }
                ?? .failure(.netlink(table: table, operation: "pthread_create", errno: EAGAIN))
            return try result.get()
        }
    }

    private static func socket(in path: RawPath, id: NamespaceID, table: SocketTable)
        -> Result<Int32, SocketSourceError>
    {
        let target = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard target >= 0 else {
            return .failure(.netlink(table: table, operation: "open \(path)", errno: errno))
        }
        defer { close(target) }
        var status = stat()
        guard fstat(target, &status) == 0, status.st_ino == UInt64(id.inode) else {
            return .failure(.netlink(table: table, operation: "open \(path)", errno: ESRCH))
        }
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        defer {
            if home >= 0 {
                _ = pue_enter_network_namespace(home)
                close(home)
            }
        }
        guard pue_enter_network_namespace(target) == 0 else {
            return .failure(.netlink(table: table, operation: "setns", errno: errno))
        }
        return Result { () throws(SocketSourceError) in try openSockDiagSocket(table) }
    }
}
