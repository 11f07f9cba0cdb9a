import Synchronization

/// The names (`comm`) of the processes that hold socket inodes, found by reading the links in
/// `<procfs>/<pid>/fd/` (Tailscale's `portlist` works the same way).
///
/// What was found is cached by inode, so `/proc` is walked only for sockets not seen before, and the walk
/// stops once every socket searched for was found in the processes visited. Processes are visited newest
/// (highest pid) first: a socket handed down or passed on (a forking server, systemd socket activation) is
/// named after the process that uses it now, not after PID 1.
///
/// The walk is bounded: one lookup reads at most ``maxDescriptors`` descriptors and stops at its deadline;
/// the next lookup resumes where it stopped (``WalkPosition``), so every process is eventually visited. A
/// socket that a whole round of the processes did not find is remembered as such (``UnownedInodes``) and
/// searched for again only after a backoff: a listener that no process holds (one that lives only in an
/// unreceived `SCM_RIGHTS` message) would otherwise make every lookup read every descriptor of the host.
///
/// Reading another user's `fd` directory needs root, or `CAP_SYS_PTRACE` and `CAP_DAC_READ_SEARCH`;
/// without them those processes are skipped and counted in ``Lookup/denied``.
public final class SocketProcesses: Sendable {
    /// The procfs mount point.
    public let procRoot: String
    /// The most descriptors one lookup reads.
    public let maxDescriptors: Int

    /// What a lookup found.
    public struct Lookup: Sendable, Equatable {
        /// The distinct process names holding each inode found, sorted.
        public var names: [UInt64: [String]]
        /// Why each inode asked for but not found has no process names.
        public var unresolved: [UInt64: Unresolved]
        /// Processes whose descriptors could not be read (permission denied) in this lookup's walk.
        public var denied: Int
        /// The descriptors read by every lookup so far.
        public var descriptorsRead: Int
    }

    /// Why an inode has no process names.
    public enum Unresolved: Sendable, Equatable {
        /// A whole round of the processes did not find it; `deniedDuringSearch` when some of them could not
        /// be read.
        case notFound(deniedDuringSearch: Bool)
        /// Its search goes on at the next lookup: this one stopped.
        case searching(WalkStop)
    }

    private struct State {
        var names: [UInt64: [String]] = [:]
        /// Every distinct list in ``names``, whose storage the inodes share: a process holding thousands of
        /// listeners costs one list, not one each.
        var lists = Set<[String]>()
        var unowned = UnownedInodes()
        var searches = SocketSearches()
        var position = WalkPosition()
        /// Lookups made, the clock of the retries of ``unowned``.
        var lookups = 0
        /// Processes found unreadable, ever: a search compares it with its value when it began.
        var deniedTotal = 0
    }

    // Held for a whole lookup: two lookups at once would walk from the same position.
    private let state = Locked(State())
    // Outside the lock: a lookup of nothing (a collection answered without its sockets, on the event loop)
    // reports it without waiting for a walk.
    private let descriptorsRead = Atomic(0)

    /// Reads processes under `procRoot`, at most `maxDescriptors` descriptors per lookup.
    public init(procRoot: String = HostPaths.standard.procfs, maxDescriptors: Int = .max) {
        self.procRoot = procRoot
        self.maxDescriptors = maxDescriptors
    }

    /// The process names holding each of `inodes` (inode 0, which TIME_WAIT and request sockets have, is
    /// never looked up), walking until `deadline` at the latest. Inodes no longer asked for are forgotten.
    public func names(holding inodes: Set<UInt64>, deadline: ContinuousClock.Instant? = nil) -> Lookup {
        let wanted = inodes.subtracting([0])
        // Nothing asked for (a collection abandoned before its reads): what is known stays known.
        guard !wanted.isEmpty else {
            return Lookup(
                names: [:], unresolved: [:], denied: 0,
                descriptorsRead: descriptorsRead.load(ordering: .relaxed)
            )
        }
        return state.withLock { state in
            state.lookups += 1
            if state.names.keys.contains(where: { !wanted.contains($0) }) {
                state.names = state.names.filter { wanted.contains($0.key) }
                state.lists = Set(state.names.values)
            }
            state.unowned.keep(only: wanted)
            state.searches.keep(only: wanted)
            // Idle, the walk starts again from the newest processes, where a new socket's holder likely is.
            if state.searches.isEmpty { state.position.startLap() }
            for inode in wanted
            where state.names[inode] == nil && !state.searches.contains(inode)
                && state.unowned.isDue(inode, at: state.lookups)
            {
                state.searches.start(inode, at: state.position, deniedBefore: state.deniedTotal)
            }
            var allowance = WalkAllowance(descriptors: maxDescriptors, deadline: deadline)
            let walk = self.walk(&state, allowance: &allowance)
            var unresolved: [UInt64: Unresolved] = [:]
            for inode in wanted where state.names[inode] == nil {
                if let verdict = state.unowned[inode]?.deniedDuringSearch ?? walk.verdicts[inode] {
                    unresolved[inode] = .notFound(deniedDuringSearch: verdict)
                } else if let stop = walk.stop {
                    unresolved[inode] = .searching(stop)
                }
            }
            return Lookup(
                names: state.names, unresolved: unresolved, denied: walk.denied,
                descriptorsRead: descriptorsRead.load(ordering: .relaxed))
        }
    }

    /// Walks the processes, newest first from where the last walk stopped, until every search ended or the
    /// allowance ran out; records what was found in `state`.
    private func walk(_ state: inout State, allowance: inout WalkAllowance) -> (
        denied: Int, stop: WalkStop?, verdicts: [UInt64: Bool]
    ) {
        var found: [UInt64: Set<String>] = [:]
        var verdicts: [UInt64: Bool] = [:]
        var denied = 0
        // The processes left in this lap, highest first; listed at the start and at each new lap.
        var pids: [Int]?
        var next = 0
        defer {
            for (inode, holders) in found {
                let list = holders.sorted()
                if let kept = state.lists.firstIndex(of: list) {
                    state.names[inode] = state.lists[kept]
                } else {
                    state.lists.insert(list)
                    state.names[inode] = list
                }
            }
        }
        while true {
            for (inode, search) in state.searches.completed(at: state.position) {
                let deniedDuringSearch = state.deniedTotal > search.deniedBefore
                verdicts[inode] = deniedDuringSearch
                state.unowned.notFound(inode, deniedDuringSearch: deniedDuringSearch, at: state.lookups)
            }
            if state.searches.isEmpty { return (denied, nil, verdicts) }
            if pids == nil {
                let below = state.position.below
                pids = ProcfsLink.processIDs(under: procRoot).filter { $0 < below }.sorted(by: >)
                next = 0
            }
            guard let lap = pids, next < lap.count else {
                // Past the oldest process: a new lap. Every search ends within two, so this loop ends.
                state.position.startLap()
                pids = nil
                continue
            }
            if let stop = allowance.exhausted() { return (denied, stop, verdicts) }
            let pid = lap[next]
            let after = state.position.firstDescriptor(of: pid)
            let read = ProcessDescriptors(of: pid, under: procRoot, after: after, allowance: &allowance) {
                inode in
                state.searches.contains(inode) || found[inode] != nil
            }
            descriptorsRead.add(read.read, ordering: .relaxed)
            if !read.matched.isEmpty {
                let name = processName(of: pid)
                for inode in read.matched {
                    found[inode, default: []].insert(name)
                    state.searches.remove(inode)
                    state.unowned.found(inode)
                }
            }
            switch read.outcome {
            case .finished, .denied:
                if read.outcome == .denied {
                    denied += 1
                    state.deniedTotal += 1
                }
                state.position.finished(pid)
                next += 1
            case .stopped(let lastRead, let stop):
                state.position.stopped(in: pid, after: lastRead)
                return (denied, stop, verdicts)
            }
        }
    }

    /// The name of `pid`: its `comm`, or empty when it cannot be read (the process ended). The kernel cuts
    /// `comm` at 15 bytes, so a name of 15 bytes is replaced by the name of the executable it begins, when
    /// the `exe` link can be read (it can whenever the descriptors could): `port_usage_exporter`, not
    /// `port_usage_expo`, so that a policy can name it. An executable whose name `comm` does not begin (a
    /// script's interpreter, a process that renamed itself) leaves `comm`.
    private func processName(of pid: Int) -> String {
        let directory = procRoot + "/" + String(pid)
        guard var comm = try? FileReader.readText(directory + "/comm", limit: 4096) else { return "" }
        if comm.hasSuffix("\n") { comm.removeLast() }
        guard comm.utf8.count == Self.commLength,
            let executable = ProcfsLink.pathTarget(of: directory + "/exe").map(Self.executableName),
            executable.utf8.starts(with: comm.utf8)
        else { return comm }
        return executable
    }

    /// The longest `comm` the kernel keeps (`TASK_COMM_LEN` less its terminating zero).
    static let commLength = 15

    /// The last component of the `exe` link's target `path`, without the ` (deleted)` that the kernel adds
    /// once the file is replaced (a package upgrade under a running service).
    static func executableName(_ path: String) -> String {
        var path = Substring(path)
        if path.hasSuffix(" (deleted)") { path = path.dropLast(" (deleted)".count) }
        return String(path.split(separator: "/", omittingEmptySubsequences: false).last ?? path)
    }
}
