import Synchronization

/// When each listener key was first and last seen, kept for a retention window after it is gone, and how
/// often listeners opened and closed: fed by every collection and by a background poll, so a listener
/// that lives between two scrapes is still recorded.
///
/// The first observation is the baseline: its listeners were there before tracking began, so they are not
/// counted as opened (``trackingSince`` tells them apart: their first-seen time equals it).
///
/// The number of keys kept is capped, and open keys come first: a new listener takes the place of the
/// oldest closed key, so a local user who opens and closes many ports cannot hide the next listener.
/// Only when every kept key is open are further open keys left untracked: each is counted as opened once
/// and as closed when it goes, and takes the first place that frees up.
public final class ListenerHistory: Sendable {
    /// How long a closed listener's times are kept.
    public let retention: Duration
    /// The most keys kept.
    public let capacity: Int

    struct Entry {
        var firstSeen: Double
        var lastSeen: Double
        var isOpen: Bool
    }

    struct ChangeKey: Hashable {
        var transport: TransportProtocol
        var range: PortRange
        var opened: Bool
    }

    struct State {
        var entries: [ListenerKey: Entry] = [:]
        /// The `netns` label of each kept key's namespace when last seen, kept after the namespace is gone;
        /// beside the entries rather than in them, as most hosts have no namespace labels.
        var netns: [ListenerKey: String] = [:]
        /// Open keys that found no room, with the time each was first seen; no larger than the number
        /// of listeners open at once.
        var untracked = UntrackedKeys()
        var closed = ClosedKeyQueue()
        var changes: [ChangeKey: Int] = [:]
        var trackingSince: Double?
    }

    let state = Locked(State())
    /// The label text of each key, shared by the first-seen and last-seen series and across scrapes.
    let labelSets = LabelSetCache<ListenerKey>()

    public init(retention: Duration = .seconds(3600), capacity: Int = 10_000) {
        self.retention = retention
        self.capacity = max(capacity, 1)
    }

    /// The wall-clock time of the first observation, nil before it.
    public var trackingSince: Double? { state.withLock { $0.trackingSince } }

    /// Records that exactly `listeners` were open at `time`: new or reopened keys are opened, open keys
    /// missing from `listeners` are closed, and closed keys older than the retention are forgotten. Give
    /// only a complete set: a table that could not be read would close every listener in it. The keys of
    /// the namespaces in `unread` (namespaces whose read failed) are left as they were; a namespace's
    /// `netns` label is its name in `namespaces`.
    ///
    /// `listeners` is asked whether it contains each open key: a set or a dictionary's keys, whose lookups
    /// are constant-time (a collection's counts give their keys as they are rather than a copy in a set,
    /// which held 17,000 keys beside the read at its peak).
    public func observe(
        _ listeners: some Collection<ListenerKey>, at time: Double, namespaces: [NamespaceID: String] = [:],
        unread: Set<NamespaceID> = []
    ) {
        state.withLock { state in
            let isBaseline = state.trackingSince == nil
            if isBaseline { state.trackingSince = time }
            // Keys already kept first, so that a new key never takes the place of one that reopened.
            var new: [ListenerKey] = []
            for listener in listeners {
                guard var entry = state.entries[listener] else {
                    if !state.untracked.contains(listener) { new.append(listener) }
                    continue
                }
                if !entry.isOpen { count(listener, opened: true, in: &state) }
                entry.isOpen = true
                entry.lastSeen = time
                state.entries[listener] = entry
                state.label(listener, NamespaceLabel.value(of: listener.namespace, in: namespaces))
            }
            for listener in new {
                if !isBaseline { count(listener, opened: true, in: &state) }
                keep(listener, firstSeen: time, at: time, namespaces: namespaces, in: &state)
            }
            close(missingFrom: listeners, unread: unread, in: &state)
            promoteUntracked(at: time, namespaces: namespaces, in: &state)
            state.untracked.sort()
            let horizon = time - retention.seconds
            while let expired = state.closed.popOldest(in: state.entries, if: { $0 < horizon }) {
                state.forget(expired)
            }
            state.closed.compact(in: state.entries)
        }
    }

    /// Keeps `listener` as open, or untracked when the history is full of open keys.
    private func keep(
        _ listener: ListenerKey, firstSeen: Double, at time: Double, namespaces: [NamespaceID: String],
        in state: inout State
    ) {
        guard makeRoom(in: &state) else {
            state.untracked.append(listener, firstSeen: firstSeen)
            return
        }
        state.entries[listener] = Entry(firstSeen: firstSeen, lastSeen: time, isOpen: true)
        state.label(listener, NamespaceLabel.value(of: listener.namespace, in: namespaces))
    }

    /// Whether the history has room for one more key, after forgetting the oldest closed key if it was
    /// full; false when every kept key is open.
    private func makeRoom(in state: inout State) -> Bool {
        guard state.entries.count >= capacity else { return true }
        guard let oldest = state.closed.popOldest(in: state.entries) else { return false }
        state.forget(oldest)
        return true
    }

    /// Closes the open keys, kept or untracked, missing from `listeners`, except in unread namespaces.
    private func close(
        missingFrom listeners: some Collection<ListenerKey>, unread: Set<NamespaceID>, in state: inout State
    ) {
        var closing: [(ListenerKey, lastSeen: Double)] = []
        for (listener, entry) in state.entries
        where entry.isOpen && !listeners.contains(listener) && !unread.contains(listener.namespace) {
            closing.append((listener, entry.lastSeen))
        }
        for (listener, lastSeen) in closing {
            state.entries[listener]?.isOpen = false
            state.closed.append(listener, lastSeen: lastSeen)
            count(listener, opened: false, in: &state)
        }
        var closedUntracked: [ListenerKey] = []
        state.untracked.removeAll { listener in
            let closes = !listeners.contains(listener) && !unread.contains(listener.namespace)
            if closes { closedUntracked.append(listener) }
            return closes
        }
        for listener in closedUntracked { count(listener, opened: false, in: &state) }
    }

    /// Moves untracked open keys into the history while it has room or closed keys to give up.
    private func promoteUntracked(at time: Double, namespaces: [NamespaceID: String], in state: inout State) {
        while state.untracked.count > 0, makeRoom(in: &state),
            let (listener, firstSeen) = state.untracked.popLast()
        {
            keep(listener, firstSeen: firstSeen, at: time, namespaces: namespaces, in: &state)
        }
    }

    private func count(_ listener: ListenerKey, opened: Bool, in state: inout State) {
        let key = ChangeKey(
            transport: listener.table.transport, range: PortRange(port: listener.port), opened: opened)
        state.changes[key, default: 0] += 1
    }
}

extension ListenerHistory.State {
    /// Sets or clears the `netns` label of a kept key.
    mutating func label(_ listener: ListenerKey, _ netns: String?) {
        if let netns {
            self.netns[listener] = netns
        } else if !self.netns.isEmpty {
            self.netns[listener] = nil
        }
    }

    /// Forgets a kept key.
    mutating func forget(_ listener: ListenerKey) {
        entries[listener] = nil
        label(listener, nil)
    }
}
