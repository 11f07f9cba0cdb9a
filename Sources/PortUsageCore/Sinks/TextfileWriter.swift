#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes the exposition to a file for node_exporter's textfile collector
/// (`--collector.textfile.directory`).
///
/// Each write is atomic: the text goes to a temporary file in the same directory, which is synced and
/// renamed over the target, so a reader sees the old file or the new one, never part of one. The
/// temporary name does not end in `.prom`, so node_exporter never reads it.
public struct TextfileWriter: Sendable {
    /// The file written; it ends in `.prom`.
    public let path: String
    private let directory: String
    private let temporaryPath: String

    /// A writer of `path`; throws when node_exporter would not read such a file.
    public init(path: String) throws(ConfigurationError) {
        guard path.hasSuffix(".prom"), !path.hasSuffix("/.prom") else {
            throw ConfigurationError(
                "--textfile.path must name a file ending in .prom (node_exporter reads only those), got '\(path)'"
            )
        }
        let slash = path.lastIndex(of: "/")
        self.path = path
        self.directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        self.temporaryPath = "\(directory == "/" ? "" : directory)/.\(name).\(getpid()).tmp"
    }

    /// The families a textfile carries: all but `process_*`, which node_exporter exports for itself.
    public static func textfileFamilies(_ families: [MetricFamily]) -> [MetricFamily] {
        families.filter { !$0.name.hasPrefix("process_") }
    }

    /// Writes `families` in the text format, replacing the file atomically with mode 0644.
    public func write(_ families: [MetricFamily]) throws(FileSystemError) {
        let body = ExpositionEncoder.encode(Self.textfileFamilies(families), format: .prometheusText)
        do throws(FileSystemError) {
            try writeTemporaryFile(body)
            try check(rename(temporaryPath, path) == 0, "rename \(temporaryPath) to", path)
        } catch {
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory()
    }

    private func writeTemporaryFile(_ body: [UInt8]) throws(FileSystemError) {
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        try check(descriptor >= 0, "open", temporaryPath)
        defer { close(descriptor) }
        try check(fchmod(descriptor, 0o644) == 0, "chmod", temporaryPath)
        try check(writeAll(body, to: descriptor), "write", temporaryPath)
        try check(fsync(descriptor) == 0, "fsync", temporaryPath)
    }

    /// Makes the rename durable.
    private func syncDirectory() throws(FileSystemError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try check(descriptor >= 0, "open", directory)
        defer { close(descriptor) }
        try check(fsync(descriptor) == 0, "fsync", directory)
    }

    private func check(_ succeeded: Bool, _ operation: String, _ path: String) throws(FileSystemError) {
        if !succeeded { throw FileSystemError(operation: operation, path: path, errno: errno) }
    }
}
