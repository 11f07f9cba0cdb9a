/// The host's sockets as one collection counted them, and how each read went.
public struct SocketSnapshot: Sendable {
    public var counts: SocketCounts
    /// One outcome per read, in the order of the reads.
    public var outcomes: [TableOutcome]

    public init(counts: SocketCounts, outcomes: [TableOutcome]) {
        self.counts = counts
        self.outcomes = outcomes
    }

    /// Reads what `demand` needs from `source` into one ``SocketCounter``.
    ///
    /// A source that selects in the kernel is asked first for each table's listeners (or for everything, when
    /// every socket is wanted), then, once every TCP listener port is known, for the TCP connections on those
    /// ports only. A source that cannot select reads each table once, whole, the tables side by side. A
    /// table that fails or is not read by `deadline` is reported in its outcome and never prevents the
    /// others from being read. The listeners are keyed with `namespace`.
    public static func take(
        from source: some SocketSource, demand: SocketDemand, deadline: ContinuousClock.Instant?,
        namespace: NamespaceID = .untagged
    ) -> SocketSnapshot {
        var counter = SocketCounter(
            countsConnections: demand.connections, keepsListenerSockets: demand.listenerSockets,
            talliesLocalPorts: demand.localPorts, namespace: namespace,
            expectedListenerKeys: demand.expectedListenerKeys)
        var outcomes: [TableOutcome] = []
        if !demand.tables.contains(where: source.selectsInKernel) {
            // Whole tables (procfs), read side by side, each into a counter of its own: the kernel formats
            // a table as it is read, on the reading thread, and the tables are added in their order.
            let empty = counter.emptyCounter()
            let reads = sideBySide(demand.tables) { table in
                var tableCounter = empty
                let outcome = read(table, .everything, from: source, deadline: deadline, into: &tableCounter)
                return (tableCounter, outcome)
            }
            for (tableCounter, outcome) in reads {
                counter.add(tableCounter)
                outcomes.append(outcome)
            }
        } else {
            for table in demand.tables {
                let selection: SocketSelection =
                    source.selectsInKernel(table) && !demand.everySocket ? .listeners : .everything
                outcomes.append(read(table, selection, from: source, deadline: deadline, into: &counter))
            }
        }
        if demand.connections && !demand.everySocket {
            counter.sealListeners()
            let ports = counter.tcpListenerPorts
            for table in demand.tables where table.transport == .tcp && source.selectsInKernel(table) {
                outcomes.append(
                    read(
                        table, .connections(localPorts: ports), from: source, deadline: deadline,
                        into: &counter))
            }
        }
        return SocketSnapshot(counts: counter.finish(), outcomes: outcomes)
    }

    /// A snapshot of nothing, with every table of `demand` failed for `reason`: the answer of a collection
    /// abandoned before its reads.
    public static func abandoned(_ demand: SocketDemand, source: some SocketSource, reason: String)
        -> SocketSnapshot
    {
        let outcomes = demand.tables.map { table in
            TableOutcome(
                table: table, selection: .everything, source: source.kind(for: table),
                result: .failure(.abandoned(table: table, reason: reason)), durationSeconds: 0)
        }
        return SocketSnapshot(counts: SocketCounts(), outcomes: outcomes)
    }

    private static func read(
        _ table: SocketTable, _ selection: SocketSelection, from source: some SocketSource,
        deadline: ContinuousClock.Instant?, into counter: inout SocketCounter
    ) -> TableOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        let result: Result<TableReadReport, SocketSourceError>
        do {
            result = .success(
                try source.read(table, selection: selection, deadline: deadline, into: &counter))
        } catch {
            result = .failure(error)
        }
        // Asked after the read: a source that falls back per table may have changed its way of reading it.
        return TableOutcome(
            table: table, selection: source.selectsInKernel(table) ? selection : .everything,
            source: source.kind(for: table), result: result,
            durationSeconds: (clock.now - start).seconds)
    }
}
