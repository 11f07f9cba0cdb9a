import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The names (`comm`) of the processes that hold socket inodes, found by reading the links in
/// `<procfs>/<pid>/fd/` (Tailscale's `portlist` works the same way).
///
/// What was found is cached by inode, so `/proc` is walked only when a socket not seen before appears, and
/// the walk stops early once every such socket was found in the processes visited. Processes are visited
/// newest first: a socket handed down or passed on (a forking server, systemd socket activation) is named
/// after the process that uses it now, not after PID 1. Reading another user's
/// `fd` directory needs root, or `CAP_SYS_PTRACE` and `CAP_DAC_READ_SEARCH`; without them those processes
/// are skipped and counted in ``Lookup/denied``.
public final class SocketProcesses: Sendable {
    /// The procfs mount point.
    public let procRoot: String

    private let known = Mutex<[UInt64: [String]]>([:])

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// What a lookup found.
    public struct Lookup: Sendable, Equatable {
        /// The distinct process names holding each inode asked for, sorted; empty when none was found.
        public var names: [UInt64: [String]]
        /// Processes whose descriptors could not be read (permission denied) in the walk, if one was made.
        public var denied: Int
    }

    /// The process names holding each of `inodes` (inode 0, which TIME_WAIT and request sockets have, is
    /// never looked up). Inodes no longer asked for are forgotten.
    public func names(holding inodes: Set<UInt64>) -> Lookup {
        let wanted = inodes.subtracting([0])
        let cached = known.withLock { known in known.filter { wanted.contains($0.key) } }
        let unseen = wanted.subtracting(cached.keys)
        guard !unseen.isEmpty else {
            known.withLock { $0 = cached }
            return Lookup(names: cached, denied: 0)
        }
        let (found, denied) = walk(for: unseen)
        // An inode no process was found holding (a kernel socket, a process that could not be read, one that
        // just exited) is remembered as such: the next scrape does not walk again for it.
        var merged = cached.merging(found) { old, _ in old }
        for inode in unseen where merged[inode] == nil { merged[inode] = [] }
        known.withLock { $0 = merged }
        return Lookup(names: merged, denied: denied)
    }

    /// Reads the processes' descriptors, newest first, until each of `unseen` was found, collecting every
    /// holder's name among the processes read.
    private func walk(for unseen: Set<UInt64>) -> (found: [UInt64: [String]], denied: Int) {
        var found: [UInt64: Set<String>] = [:]
        var denied = 0
        for pid in ProcfsLink.processIDs(under: procRoot).sorted(by: >).lazy.map(String.init) {
            if found.count == unseen.count { break }
            let held = socketInodes(of: pid, among: unseen, denied: &denied)
            guard !held.isEmpty else { continue }
            let name = processName(of: pid)
            for inode in held { found[inode, default: []].insert(name) }
        }
        return (found.mapValues { $0.sorted() }, denied)
    }

    /// The socket inodes among `pid`'s descriptors that are in `wanted` (a process may hold 100,000 sockets:
    /// only the wanted ones are kept).
    private func socketInodes(of pid: String, among wanted: Set<UInt64>, denied: inout Int) -> Set<UInt64> {
        let directory = procRoot + "/" + pid + "/fd"
        guard let descriptors = opendir(directory) else {
            if errno == EACCES || errno == EPERM { denied += 1 }
            return []
        }
        defer { closedir(descriptors) }
        let directoryDescriptor = dirfd(descriptors)
        var inodes: Set<UInt64> = []
        while let entry = readdir(descriptors) {
            let target = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                bytes.withMemoryRebound(to: CChar.self) { name in
                    ProcfsLink.target(of: name.baseAddress!, in: directoryDescriptor)
                }
            }
            if let target, let inode = ProcfsLink.inode(of: target, type: "socket"), wanted.contains(inode) {
                inodes.insert(inode)
            }
        }
        return inodes
    }

    /// The `comm` of `pid`, or empty when it cannot be read (the process ended).
    private func processName(of pid: String) -> String {
        let path = procRoot + "/" + pid + "/comm"
        guard let text = try? FileReader.readText(path, limit: 4096) else { return "" }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}
