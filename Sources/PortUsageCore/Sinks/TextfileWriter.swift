/// Writes the exposition to a file for node_exporter's textfile collector
/// (`--collector.textfile.directory`), atomically (see ``AtomicFile``; node_exporter never reads its
/// temporary files, as their names do not end in `.prom`).
public struct TextfileWriter: Sendable {
    private let file: AtomicFile

    /// The file written; it ends in `.prom`.
    public var path: String { file.path }
    /// The directory the file is written in.
    public var directory: String { file.directory }

    /// A writer of `path`; throws when node_exporter would not read such a file.
    public init(path: String) throws(ConfigurationError) {
        guard path.hasSuffix(".prom"), !path.hasSuffix("/.prom") else {
            throw ConfigurationError(
                "the textfile must be a file ending in .prom (node_exporter reads only those), got '\(path)'")
        }
        file = AtomicFile(path: path)
    }

    /// The families a textfile carries: all but `process_*`, which node_exporter exports for itself.
    public static func textfileFamilies(_ families: [MetricFamily]) -> [MetricFamily] {
        families.filter { !$0.name.hasPrefix("process_") }
    }

    /// Writes `families` in the text format, replacing the file atomically with mode 0644.
    public func write(_ families: [MetricFamily]) throws(FileSystemError) {
        try file.write(ExpositionEncoder.encode(Self.textfileFamilies(families), format: .prometheusText))
    }
}
