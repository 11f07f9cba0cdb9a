import Synchronization

/// A sample's labels together with their exposition text, `{name="value",...}` (empty without labels),
/// rendered once: the text is the same in the Prometheus text format and OpenMetrics.
public final class LabelSet: Sendable {
    public let labels: [Label]
    /// The rendered `{...}` bytes.
    let text: [UInt8]

    public init(_ labels: [Label]) {
        self.labels = labels
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
}

/// Keeps the ``LabelSet`` of each series key from one collection to the next, so a series whose labels do
/// not change is rendered once, not on every scrape. Only the keys used by the latest collection are kept.
public final class LabelSetCache<Key: Hashable & Sendable>: Sendable {
    private let sets = Mutex<[Key: LabelSet]>([:])

    public init() {}

    /// The label set of each item, looked up by `key` or rendered from `labels`, in one pass; the keys of
    /// items not given are forgotten.
    public func labelSets<Item>(for items: [Item], key: (Item) -> Key, labels: (Item) -> [Label])
        -> [LabelSet]
    {
        sets.withLock { sets in
            var kept: [Key: LabelSet] = [:]
            kept.reserveCapacity(items.count)
            let result = items.map { item in
                let itemKey = key(item)
                let set = sets[itemKey] ?? LabelSet(labels(item))
                kept[itemKey] = set
                return set
            }
            sets = kept
            return result
        }
    }
}
