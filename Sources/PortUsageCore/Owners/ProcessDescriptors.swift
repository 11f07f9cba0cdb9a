#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why the owners walk stopped before its searches ended; it resumes there at the next lookup.
public enum WalkStop: Sendable, Equatable {
    /// It read the most descriptors one lookup may read.
    case budget
    /// The collection's deadline came.
    case deadline
}

/// What the walk may still spend in one lookup: descriptors to read, until a deadline.
struct WalkAllowance {
    var descriptors: Int
    var deadline: ContinuousClock.Instant?
    /// The checks made: the clock is read at the first and every 64th, not for each descriptor.
    private var checks = 0

    init(descriptors: Int, deadline: ContinuousClock.Instant?) {
        self.descriptors = descriptors
        self.deadline = deadline
    }

    /// Why nothing more may be read, or nil while something may.
    mutating func exhausted() -> WalkStop? {
        if descriptors <= 0 { return .budget }
        defer { checks &+= 1 }
        if checks & 63 == 0, let deadline, ContinuousClock.now >= deadline { return .deadline }
        return nil
    }
}

/// The socket links among one process's descriptors (`<procfs>/<pid>/fd`), read in descriptor order from a
/// given descriptor on, while the walk's allowance lasts.
struct ProcessDescriptors {
    /// How reading one process ended.
    enum Outcome: Equatable {
        /// Every descriptor after the first asked for was read, or the process is gone.
        case finished
        /// Its descriptors could not be read (permission denied).
        case denied
        /// The allowance ran out after descriptor `lastRead` (-1: before any).
        case stopped(lastRead: Int, WalkStop)
    }

    /// The descriptors read, and the socket inodes among them that `wanted` accepted.
    var read = 0
    var matched: [UInt64] = []
    var outcome = Outcome.finished

    /// Reads the descriptors of `pid` under `procRoot` numbered above `after` (all when nil), keeping the
    /// socket inodes that `wanted` accepts and spending one of `allowance` per descriptor.
    init(
        of pid: Int, under procRoot: String, after: Int?, allowance: inout WalkAllowance,
        wanted: (UInt64) -> Bool
    ) {
        let path = procRoot + "/" + String(pid) + "/fd"
        guard let directory = opendir(path) else {
            if errno == EACCES || errno == EPERM { outcome = .denied }
            return
        }
        defer { closedir(directory) }
        // Sorted, so that a walk stopped inside a process resumes after the last descriptor it read
        // (procfs lists them in order already; another directory need not).
        let descriptors = Self.numbers(in: directory).filter { $0 > (after ?? -1) }.sorted()
        var lastRead = after ?? -1
        for descriptor in descriptors {
            if let stop = allowance.exhausted() {
                outcome = .stopped(lastRead: lastRead, stop)
                return
            }
            allowance.descriptors -= 1
            read += 1
            lastRead = descriptor
            let inode = String(descriptor).withCString { name in
                ProcfsLink.inode(ofLink: name, in: dirfd(directory), type: "socket")
            }
            if let inode, wanted(inode) { matched.append(inode) }
        }
    }

    /// The descriptor numbers listed in `directory`; names that are not one (`.`, `..`) are left out.
    private static func numbers(in directory: OpaquePointer) -> [Int] {
        var numbers: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            // Int(_:) returns nil for what is not a number or does not fit: never a trap.
            if let number = Int(name), number >= 0 { numbers.append(number) }
        }
        return numbers
    }
}
