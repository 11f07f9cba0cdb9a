#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file replaced atomically: the text goes to a new temporary file in the same directory, which is synced
/// and renamed over the target, so a reader sees the old file or the new one, never part of one. The
/// temporary file has an unpredictable name (`.<name>.<random>.tmp`) and is created exclusively without
/// following links, so nobody who can write to the directory can make the exporter write through a planted
/// link, and concurrent writers never share one. Used for the textfile and for generated policies.
public struct AtomicFile: Sendable {
    /// The file written.
    public let path: String
    /// The directory the file is written in.
    public let directory: String
    /// The temporary files' common start: `<directory>/.<name>.`.
    private let temporaryPrefix: String

    /// How many random names are tried before giving up on EEXIST.
    static let creationAttempts = 5

    public init(path: String) {
        let slash = path.lastIndex(of: "/")
        self.path = path
        self.directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        self.temporaryPrefix = "\(directory == "/" ? "" : directory)/.\(name)."
    }

    /// Replaces the file with `body`, mode 0644.
    public func write(_ body: [UInt8]) throws(FileSystemError) {
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
