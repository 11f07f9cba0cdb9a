/// One read of the socket tables, before classification: the host's snapshot and what collectors added
/// to it (the other network namespaces).
public struct CollectionReading: Sendable {
    public var snapshot: SocketSnapshot
    /// What the host's read asked for: the union of the collectors' demands for a collection, the
    /// listeners alone for the poll between scrapes. A collector that reads more tables (the other
    /// namespaces) asks them for the same.
    public var demand: SocketDemand
    /// The other namespaces read, when the `netns` collector runs.
    public var sweep: NamespaceSweepResult?

    /// Whether every listener table of the host was read: a table that failed would look like all its
    /// listeners closing.
    public var readEveryListenerTable: Bool {
        snapshot.outcomes.allSatisfy { !$0.coversListeners || $0.failure == nil }
    }
}
