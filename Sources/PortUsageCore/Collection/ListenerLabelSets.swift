/// The label text of each `port_usage_listeners` series, kept across scrapes and shared by the collectors
/// whose series have the labels of a listener key: theirs are the first labels of a listener series
/// (`netns`, `protocol`, `family`, `port`, `exposure`), so they are cut from its text rather than kept
/// in a cache of their own (the saturation collector's held 0.6 MB at 4,000 series).
final class ListenerLabelSets: Sendable {
    private let cache = LabelSetCache<ListenerSeries.LabelKey>()

    /// The label set of each of `series`, rendered once while the series exists.
    func of(_ series: [ListenerSeries]) -> [LabelSet] {
        cache.labelSets(for: series, key: \.labelKey, labels: \.labels)
    }

    /// The labels of the listener key of each of `series` (`netns` when namespaces are told apart, then
    /// `protocol`, `family`, `port`, `exposure`), cut from its listener series' text.
    func keyLabels(of series: [ListenerSeries]) -> [LabelSet] {
        zip(series, of(series)).map { series, set in
            set.prefix(series.netns == nil ? Self.keyLabelCount : Self.keyLabelCount + 1)
        }
    }

    /// How many labels identify a listener key, without `netns`.
    static let keyLabelCount = 4
}
