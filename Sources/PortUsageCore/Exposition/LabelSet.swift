import Synchronization

/// A sample's labels as their exposition text, `{name="value",...}` (empty without labels), rendered once:
/// the text is the same in the Prometheus text format and OpenMetrics.
///
/// Only the text is kept, in one allocation (thousands of sets live across scrapes in the caches; a class
/// around the array cost 48 bytes more each); ``labels`` reads it back. Copies share the text.
public struct LabelSet: Sendable {
    /// The rendered `{...}` bytes.
    let text: [UInt8]

    public init(_ labels: [Label]) {
        var text: [UInt8] = []
        if !labels.isEmpty {
            text.reserveCapacity(labels.reduce(2) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 })
            text.append(UInt8(ascii: "{"))
            for (index, label) in labels.enumerated() {
                if index > 0 { text.append(UInt8(ascii: ",")) }
                text.append(contentsOf: label.name.utf8)
                text.append(contentsOf: "=\"".utf8)
                ExpositionEncoder.appendEscaped(label.value, escapingQuotes: true, to: &text)
                text.append(UInt8(ascii: "\""))
            }
            text.append(UInt8(ascii: "}"))
        }
        self.text = text
    }

    /// The set of this one's first `count` labels (all of them when it has fewer): a series whose labels
    /// begin those of another is given a copy of the start of its text, with no rendering or cache of its
    /// own.
    func prefix(_ count: Int) -> LabelSet {
        guard count > 0, !text.isEmpty else { return LabelSet(text: []) }
        var index = text.startIndex + 1  // past `{`
        var taken = 0
        while taken < count && index < text.endIndex - 1 {
            if taken > 0 { index += 1 }  // past `,`
            index = text[index...].firstIndex(of: UInt8(ascii: "="))! + 2  // past `="`
            while text[index] != UInt8(ascii: "\"") {
                index += text[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1  // past the closing `"`
            taken += 1
        }
        var prefix: [UInt8] = []
        prefix.reserveCapacity(index + 1)
        prefix += text[..<index]
        prefix.append(UInt8(ascii: "}"))
        return LabelSet(text: prefix)
    }

    private init(text: [UInt8]) {
        self.text = text
    }

    /// The labels in exposition order, read back from the text (names are plain; values unescaped).
    public var labels: [Label] {
        var labels: [Label] = []
        var index = text.startIndex + 1
        while index < text.endIndex - 1 {
            let equals = text[index...].firstIndex(of: UInt8(ascii: "="))!
            let name = String(decoding: text[index..<equals], as: UTF8.self)
            var value: [UInt8] = []
            index = equals + 2  // past `="`
            while text[index] != UInt8(ascii: "\"") {
                if text[index] == UInt8(ascii: "\\") {
                    index += 1
                    value.append(text[index] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : text[index])
                } else {
                    value.append(text[index])
                }
                index += 1
            }
            labels.append(Label(name, String(decoding: value, as: UTF8.self)))
            index += 2  // past `",` or `"}`
        }
        return labels
    }
}

/// Keeps the ``LabelSet`` of each series key from one collection to the next, so a series whose labels do
/// not change is rendered once, not on every scrape. Only the keys used by the latest collection are kept.
///
/// The dictionary is updated in place: each key used is stamped with the collection's number, and the
/// dictionary is rebuilt only when some key was not used (building a new one on every collection held
/// two of them, 6,000 entries each at 200,000 sockets, at the peak of a scrape).
public final class LabelSetCache<Key: Hashable & Sendable>: Sendable {
    private struct Entry {
        var set: LabelSet
        var collection: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var collection: UInt64 = 0
    }

    private let state = Locked(State())

    public init() {}

    /// The label set of each item, looked up by `key` or rendered from `labels`, in one pass; the keys of
    /// items not given are forgotten.
    public func labelSets<Item>(for items: [Item], key: (Item) -> Key, labels: (Item) -> [Label])
        -> [LabelSet]
    {
        state.withLock { state in
            state.collection += 1
            let collection = state.collection
            var used = 0
            let result = items.map { item in
                let itemKey = key(item)
                if let index = state.entries.index(forKey: itemKey) {
                    if state.entries.values[index].collection != collection {
                        state.entries.values[index].collection = collection
                        used += 1
                    }
                    return state.entries.values[index].set
                }
                let set = LabelSet(labels(item))
                state.entries[itemKey] = Entry(set: set, collection: collection)
                used += 1
                return set
            }
            if state.entries.count > used {
                state.entries = state.entries.filter { $0.value.collection == collection }
            }
            return result
        }
    }
}
