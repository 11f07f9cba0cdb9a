/// The history's open keys that found no room, with the time each was first seen: sorted by key in an
/// array, not in a dictionary, which took twice the room (16,384 buckets for the 7,000 keys past the
/// capacity at population c, kept for the exporter's life).
///
/// Keys are appended during an observation and the array is sorted again at its end (``sort()``), before
/// the next observation looks keys up.
struct UntrackedKeys {
    private var items: [(key: ListenerKey, firstSeen: Double)] = []

    var count: Int { items.count }

    /// Whether `key` is untracked; the array must be sorted.
    func contains(_ key: ListenerKey) -> Bool {
        var low = items.startIndex
        var high = items.endIndex
        while low < high {
            let middle = (low + high) / 2
            if items[middle].key == key { return true }
            if items[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return false
    }

    mutating func append(_ key: ListenerKey, firstSeen: Double) {
        items.append((key, firstSeen))
    }

    /// Sorts the keys appended since the last sort among the others.
    mutating func sort() {
        items.sort { $0.key < $1.key }
    }

    /// Removes the keys `shouldRemove` says, keeping the order.
    mutating func removeAll(where shouldRemove: (ListenerKey) -> Bool) {
        items.removeAll { shouldRemove($0.key) }
    }

    /// Removes and returns the last key.
    mutating func popLast() -> (key: ListenerKey, firstSeen: Double)? {
        items.popLast()
    }
}
