#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why a source could not read one socket table, with the path or request and the system's errno.
///
/// ``isUnavailable`` separates a table the host does not have (no IPv6, a diag module that is not loaded),
/// which is skipped, from a failure, which fails the collectors that needed the table.
public enum SocketSourceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A procfs table could not be read.
    case file(FileReadError)
    /// A netlink system call (`socket`, `sendto`, `recvmsg`) failed, or the kernel answered a dump with
    /// `NLMSG_ERROR`; `errno` is the system's or the kernel's error number.
    case netlink(table: SocketTable, operation: String, errno: Int32)
    /// A netlink reply broke the protocol: a length past the data, a wrong sequence number, a truncated
    /// message.
    case malformedReply(table: SocketTable, reason: String)
    /// The kernel flagged the dump as inconsistent (`NLM_F_DUMP_INTR`) again on the retry.
    case interrupted(table: SocketTable)
    /// The deadline passed while the table was read.
    case timedOut(table: SocketTable, elapsed: Duration)
    /// The table was not read: the collection was abandoned for `reason`.
    case abandoned(table: SocketTable, reason: String)

    /// Whether the host lacks the table (`ENOENT` for a procfs file; `ENOENT`, `EPROTONOSUPPORT` or
    /// `EAFNOSUPPORT` in the kernel's answer to a dump, for a diag protocol or family it does not have): a
    /// skip, not a failure. A system call that fails (a netlink socket that cannot be opened) is a failure:
    /// a sandbox refusing it must not hide the tables.
    public var isUnavailable: Bool {
        switch self {
        case .file(.system(let error)): error.errno == ENOENT
        case .netlink(_, let operation, let code):
            operation == "dump" && (code == ENOENT || code == EPROTONOSUPPORT || code == EAFNOSUPPORT)
        default: false
        }
    }

    /// The errno behind the error, when there is one.
    public var errno: Int32? {
        switch self {
        case .file(.system(let error)): error.errno
        case .netlink(_, _, let code): code
        default: nil
        }
    }

    public var description: String {
        switch self {
        case .file(let error): "\(error)"
        case .netlink(let table, let operation, let code):
            "sock_diag \(table.rawValue): \(operation): \(String(cString: strerror(code)))"
        case .malformedReply(let table, let reason): "sock_diag \(table.rawValue): malformed reply: \(reason)"
        case .interrupted(let table):
            "sock_diag \(table.rawValue): dump interrupted twice by concurrent changes (NLM_F_DUMP_INTR)"
        case .timedOut(let table, let elapsed):
            "\(table.rawValue): timed out after \((elapsed.seconds * 1000).rounded() / 1000) s"
        case .abandoned(_, let reason): reason
        }
    }
}
