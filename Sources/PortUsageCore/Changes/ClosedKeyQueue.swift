/// The history's closed keys in the order they closed: the oldest is the first to be forgotten, whether
/// for age (the retention) or for room (a new listener when the history is full).
///
/// A key that reopens stays in the queue until it reaches the front, where it is recognised as stale (its
/// entry is open again, or closed at another time) and skipped; the queue is compacted when stale items
/// outnumber the live ones, so a key that flaps cannot grow it without bound.
struct ClosedKeyQueue {
    private var items: [(key: ListenerKey, lastSeen: Double)] = []
    private var head = 0

    /// Notes that `key`, last seen at `lastSeen`, closed.
    mutating func append(_ key: ListenerKey, lastSeen: Double) {
        items.append((key, lastSeen))
    }

    /// Removes and returns the oldest closed key still closed in `entries`, skipping stale items; nil when
    /// `entries` has no closed key in the queue, or when `isDue` says the oldest is not due yet (it stays).
    mutating func popOldest(
        in entries: [ListenerKey: ListenerHistory.Entry], if isDue: (Double) -> Bool = { _ in true }
    ) -> ListenerKey? {
        while head < items.count {
            let (key, lastSeen) = items[head]
            guard let entry = entries[key], !entry.isOpen, entry.lastSeen == lastSeen else {
                head += 1
                continue
            }
            guard isDue(lastSeen) else { return nil }
            head += 1
            return key
        }
        return nil
    }

    /// Drops the items already popped and, when the queue holds more than twice `live` items, the stale
    /// ones (at most `live` items stay live: one per closed entry).
    mutating func compact(in entries: [ListenerKey: ListenerHistory.Entry]) {
        let live = entries.count
        if items.count - head > 2 * live + 64 {
            items = items[head...].filter { key, lastSeen in
                entries[key].map { !$0.isOpen && $0.lastSeen == lastSeen } ?? false
            }
            head = 0
        } else if head > 1024 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }
}
