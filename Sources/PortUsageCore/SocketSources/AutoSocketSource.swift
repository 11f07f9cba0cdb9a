import Synchronization

/// sock_diag with a per-table fallback to procfs, as `ss` does: a table whose sock_diag dump is unavailable
/// (no netlink socket allowed, a diag module missing) is read from procfs from then on.
public final class AutoSocketSource<Primary: SocketSource, Fallback: SocketSource>: SocketSource {
    /// A table that fell back, and why; given to ``onFallback`` once per table.
    public typealias FallbackHandler = @Sendable (SocketTable, SocketSourceError) -> Void

    private let primary: Primary
    private let fallback: Fallback
    private let fellBack = Locked<Set<SocketTable>>([])
    private let onFallback: FallbackHandler

    public init(primary: Primary, fallback: Fallback, onFallback: @escaping FallbackHandler) {
        self.primary = primary
        self.fallback = fallback
        self.onFallback = onFallback
    }

    private func usesFallback(_ table: SocketTable) -> Bool {
        fellBack.withLock { $0.contains(table) }
    }

    public func kind(for table: SocketTable) -> SocketSourceKind {
        usesFallback(table) ? fallback.kind(for: table) : primary.kind(for: table)
    }

    public func selectsInKernel(_ table: SocketTable) -> Bool {
        usesFallback(table) ? fallback.selectsInKernel(table) : primary.selectsInKernel(table)
    }

    /// Reads with the primary source, or with the fallback when the primary cannot read `table` at all: it
    /// is unavailable, or the primary could not even open its socket (a sandbox that refuses netlink).
    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        if !usesFallback(table) {
            do {
                return try primary.read(table, selection: selection, deadline: deadline, into: &consumer)
            } catch {
                guard Self.warrantsFallback(error) else { throw error }
                fellBack.withLock { _ = $0.insert(table) }
                onFallback(table, error)
            }
        }
        return try fallback.read(table, selection: selection, deadline: deadline, into: &consumer)
    }

    private static func warrantsFallback(_ error: SocketSourceError) -> Bool {
        if error.isUnavailable { return true }
        if case .netlink(_, "socket", _) = error { return true }
        return false
    }
}
