/// One read of the socket tables, before classification: the host's snapshot and what collectors added
/// to it (the other network namespaces).
public struct CollectionReading: Sendable {
    public var snapshot: SocketSnapshot
    /// The other namespaces read, when the `netns` collector runs.
    public var sweep: NamespaceSweepResult?

    /// Whether every listener table of the host was read: a table that failed would look like all its
    /// listeners closing.
    public var readEveryListenerTable: Bool {
        snapshot.outcomes.allSatisfy { !$0.coversListeners || $0.failure == nil }
    }
}
