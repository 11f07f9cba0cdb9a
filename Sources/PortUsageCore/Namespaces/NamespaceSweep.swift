import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads the listeners of the host's other network namespaces, for the `netns` collector.
///
/// Each sweep scans the namespaces (``NamespaceScanner``), and reads at most ``maximumNamespaces`` of them
/// (the others are counted as overflow). A namespace is read over a sock_diag socket created inside it
/// (``NamespaceSocketOpener``), kept across sweeps and closed in the first sweep that no longer finds the
/// namespace (a socket would keep a dead namespace alive). Where it cannot be entered (`setns` refused),
/// the namespace is read from `/proc/PID/net` of a process in it, and every later one too.
public final class NamespaceSweep: Sendable {
    /// Finds the namespaces, and names the new ones.
    public let scanner: NamespaceScanner
    /// The most namespaces read in one sweep, the host's not counted.
    public let maximumNamespaces: Int

    /// A namespace seen before: how it is named, and its sock_diag source while it is entered.
    private struct Known {
        var namespace: NetworkNamespace
        var netlink: NetlinkSocketSource?
    }

    private struct State {
        var known: [NamespaceID: Known] = [:]
        var enterFailure: SocketSourceError?
    }

    private let state = Locked(State())

    /// Each namespace's dump receive buffer: namespaces hold few sockets, so one kernel batch (at least a
    /// page, at most 32 KiB) is what a dump needs at most.
    static let bufferSize = 32 * 1024

    public init(scanner: NamespaceScanner = NamespaceScanner(), maximumNamespaces: Int = 256) {
        self.scanner = scanner
        self.maximumNamespaces = maximumNamespaces
    }

    /// Reads what `demand` asks (its listeners) from every namespace found but the host's; a namespace
    /// still unread at `deadline` is reported failed.
    public func sweep(demand: SocketDemand, deadline: ContinuousClock.Instant?) -> NamespaceSweepResult {
        let scan = scanner.scan()
        let wanted = scan.namespaces.prefix(maximumNamespaces)
        return state.withLock { state in
            let found = Set(wanted.map(\.id))
            for (id, known) in state.known where !found.contains(id) {
                known.netlink?.close()
                state.known[id] = nil
            }
            var result = NamespaceSweepResult(
                host: scan.host, counts: SocketCounts(), readings: [],
                overflow: Set(scan.namespaces.dropFirst(maximumNamespaces).map(\.id)),
                deniedProcesses: scan.deniedProcesses,
                canTraceProcesses: Capabilities.current().has(Capabilities.sysPtrace))
            var labels: Set<String> = [NetworkNamespace.Kind.host.rawValue]
            for found in wanted {
                var known = state.known[found.id] ?? Known(namespace: identified(found), netlink: nil)
                known.namespace.processID = found.processID
                known.namespace.path = found.path
                var label = known.namespace.label
                if !labels.insert(label).inserted { label += "/" + found.id.description }
                var reading = NamespaceReading(namespace: known.namespace, label: label)
                read(
                    &known, into: &reading, counts: &result.counts, demand: demand, deadline: deadline,
                    state: &state)
                state.known[found.id] = known
                result.readings.append(reading)
            }
            result.enterFailure = state.enterFailure
            return result
        }
    }

    /// `namespace` named by its pod or container, when it has no name of its own.
    private func identified(_ namespace: NetworkNamespace) -> NetworkNamespace {
        var namespace = namespace
        scanner.identify(&namespace)
        return namespace
    }

    /// Reads one namespace: over its sock_diag socket while entering namespaces works, else from a
    /// process's `/proc/PID/net`.
    private func read(
        _ known: inout Known, into reading: inout NamespaceReading, counts: inout SocketCounts,
        demand: SocketDemand, deadline: ContinuousClock.Instant?, state: inout State
    ) {
        let id = known.namespace.id
        if state.enterFailure == nil {
            let netlink =
                known.netlink
                ?? NetlinkSocketSource(
                    bufferSize: Self.bufferSize, socketBufferSize: Self.bufferSize * 4,
                    opener: NamespaceSocketOpener.opener(for: known.namespace))
            let snapshot = SocketSnapshot.take(
                from: netlink, demand: demand, deadline: deadline, namespace: id)
            let failure = snapshot.outcomes.lazy.compactMap(\.failure).first
            if let failure, Self.isEnterFailure(failure) {
                netlink.close()
                known.netlink = nil
                if case .netlink(_, "setns", EPERM) = failure { state.enterFailure = failure }
                // Gone, or replaced by another namespace under the same process id: nothing to read.
                if failure.errno == ENOENT || failure.errno == ESRCH { return }
                if known.namespace.processID == nil {
                    reading.failure = failure
                    return
                }
            } else {
                known.netlink = netlink
                reading.source = .netlink
                reading.failure = failure
                counts.absorb(snapshot.counts)
                return
            }
        }
        guard let pid = known.namespace.processID else {
            reading.failure = state.enterFailure
            return
        }
        let procfs = ProcNetSource(procRoot: scanner.procRoot + "/" + String(pid))
        let snapshot = SocketSnapshot.take(from: procfs, demand: demand, deadline: deadline, namespace: id)
        // The process may have ended and its id been reused by one in another namespace while it was read.
        guard scanner.namespace(ofProcess: pid) == id else { return }
        reading.source = .procfs
        reading.failure = snapshot.outcomes.lazy.compactMap(\.failure).first
        counts.absorb(snapshot.counts)
    }

    /// Whether `error` says the namespace could not be entered or no socket made in it, rather than that a
    /// dump failed.
    private static func isEnterFailure(_ error: SocketSourceError) -> Bool {
        guard case .netlink(_, let operation, _) = error else { return false }
        return operation == "setns" || operation == "socket" || operation == "pthread_create"
            || operation.hasPrefix("open ")
    }
}
