import Synchronization

/// A sample's labels as their exposition text, `{name="value",...}` (empty without labels), rendered once:
/// the text is the same in the Prometheus text format and OpenMetrics.
///
/// Only the text is kept (thousands of sets live across scrapes in the caches); ``labels`` reads it back.
public final class LabelSet: Sendable {
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
