/// The listeners now, one entry per listening socket, as `list` and `lookup` show them: read from the
/// source with their sockets kept, owned (every process read: a person asked, so no budget), classified and
/// judged by the policy; with the errors of the tables that could not be read.
public enum ListenerListing {
    public static func take(
        from source: any SocketSource, tables: [SocketTable], owners: OwnerResolver,
        classifier: PortClassifier,
        policy: PortPolicy?
    ) -> (listeners: [ListedListener], failures: [SocketSourceError]) {
        let demand = SocketDemand(
            tables: tables, connections: false, everySocket: false, listenerSockets: true)
        let snapshot = SocketSnapshot.take(from: source, demand: demand, deadline: nil)
        let sockets = Array(snapshot.counts.listenerSockets)
        let resolution = owners.owners(of: sockets)
        let listeners = ListedListener.list(
            sockets, owners: sockets.map(resolution.owner(of:)), classifier: classifier, policy: policy)
        return (listeners, snapshot.outcomes.compactMap(\.failure))
    }
}
