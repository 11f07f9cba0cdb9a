/// How the listeners of one namespace were read during a sweep.
public struct NamespaceReading: Sendable, Equatable {
    /// The namespace, named.
    public var namespace: NetworkNamespace
    /// The namespace's `netns` label: its ``NetworkNamespace/label``, made unique among the sweep's.
    public var label: String
    /// The source that read it; nil when it was not read.
    public var source: SocketSourceKind?
    /// Why its listeners are missing or incomplete: a table that could not be read, or the namespace
    /// could not be entered and no process in it shows its tables.
    public var failure: SocketSourceError?
}

/// What one ``NamespaceSweep/sweep(demand:deadline:)`` read.
public struct NamespaceSweepResult: Sendable {
    /// The exporter's own namespace, whose listeners the collection reads itself.
    public var host: NamespaceID
    /// The listeners of every namespace read, keyed with their namespace.
    public var counts: SocketCounts
    /// One reading per namespace found, the host's left out, by inode.
    public var readings: [NamespaceReading]
    /// Namespaces found past the sweep's limit, and not read.
    public var overflow: Set<NamespaceID>
    /// Processes whose namespace could not be read (another user's, without `CAP_SYS_PTRACE`).
    public var deniedProcesses: Int
    /// Whether the exporter has `CAP_SYS_PTRACE`: without it, denied processes are namespaces missed; with
    /// it, they are processes a security module protects.
    public var canTraceProcesses: Bool
    /// Why namespaces are read from `/proc/PID/net` rather than entered (`setns` refused: no
    /// `CAP_SYS_ADMIN`, or a seccomp profile); nil while entering works.
    public var enterFailure: SocketSourceError?

    /// The `netns` label of each namespace read, the host's (`host`) included.
    public var labels: [NamespaceID: String] {
        var labels = [host: NetworkNamespace.Kind.host.rawValue]
        for reading in readings { labels[reading.namespace.id] = reading.label }
        return labels
    }

    /// The namespaces that were not read whole, or not read at all (past the limit): their listeners must
    /// not be taken as closed.
    public var unread: Set<NamespaceID> {
        overflow.union(readings.filter { $0.source == nil || $0.failure != nil }.map(\.namespace.id))
    }
}
