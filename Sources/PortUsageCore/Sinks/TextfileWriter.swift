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
/// Each write is atomic: the text goes to a new temporary file in the same directory, which is synced and
/// renamed over the target, so a reader sees the old file or the new one, never part of one. The temporary
/// file has an unpredictable name (`.<name>.<random>.tmp`, which node_exporter never reads as it does not end
/// in `.prom`) and is created exclusively without following links, so nobody who can write to the directory
/// can make the exporter write through a planted link, and concurrent writers never share one.
public struct TextfileWriter: Sendable {
    /// The file written; it ends in `.prom`.
    public let path: String
    /// The directory the file is written in.
    public let directory: String
    /// The temporary files' common start: `<directory>/.<name>.`.
    private let temporaryPrefix: String

    /// How many random names are tried before giving up on EEXIST.
    static let creationAttempts = 5

    /// A writer of `path`; throws when node_exporter would not read such a file.
    public init(path: String) throws(ConfigurationError) {
        guard path.hasSuffix(".prom"), !path.hasSuffix("/.prom") else {
            throw ConfigurationError(
                "the textfile must be a file ending in .prom (node_exporter reads only those), got '\(path)'")
        }
        let slash = path.lastIndex(of: "/")
        self.path = path
        self.directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        self.temporaryPrefix = "\(directory == "/" ? "" : directory)/.\(name)."
    }

    /// The families a textfile carries: all but `process_*`, which node_exporter exports for itself.
    public static func textfileFamilies(_ families: [MetricFamily]) -> [MetricFamily] {
        families.filter { !$0.name.hasPrefix("process_") }
    }

    /// Writes `families` in the text format, replacing the file atomically with mode 0644.
    public func write(_ families: [MetricFamily]) throws(FileSystemError) {
        let body = ExpositionEncoder.encode(Self.textfileFamilies(families), format: .prometheusText)
        let (descriptor, temporaryPath) = try createTemporaryFile()
        do throws(FileSystemError) {
            defer { close(descriptor) }
            try check(fchmod(descriptor, 0o644) == 0, "chmod", temporaryPath)
            try check(writeAll(body, to: descriptor), "write", temporaryPath)
            try check(fsync(descriptor) == 0, "fsync", temporaryPath)
            try check(rename(temporaryPath, path) == 0, "rename \(temporaryPath) to", path)
        } catch {
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory()
    }

    /// Creates a new temporary file with a random name, trying another name when one exists already.
    private func createTemporaryFile() throws(FileSystemError) -> (descriptor: Int32, path: String) {
        var generator = SystemRandomNumberGenerator()
        var attempt = 1
        while true {
            let suffix = String(generator.next() as UInt64, radix: 16)
            let temporaryPath = "\(temporaryPrefix)\(suffix).tmp"
            let descriptor = open(
                temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if descriptor >= 0 { return (descriptor, temporaryPath) }
            guard errno == EEXIST, attempt < Self.creationAttempts else {
                throw FileSystemError(operation: "open", path: temporaryPath, errno: errno)
            }
            attempt += 1
        }
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
