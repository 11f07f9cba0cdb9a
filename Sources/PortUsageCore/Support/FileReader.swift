#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads regular files, bounded in size and optionally in time, with plain `open`/`read` in large chunks
/// into one reused buffer.
///
/// Every file input goes through here, so that none can block or exhaust memory: a path is opened without
/// blocking (`O_NONBLOCK`, so a FIFO cannot stall the `open`) and refused at once unless it names a regular
/// file (a FIFO could block `read` forever, a device such as `/dev/zero` never ends). procfs files are
/// regular files that report size 0 and are generated as they are read, so they are streamed rather than
/// sized up front, and the limit is checked against the bytes actually read as well.
public enum FileReader {
    /// Size of one `read` call: large enough that a 100k-socket table takes few system calls.
    public static let chunkSize = 256 * 1024

    /// The size limit of small configuration files, such as `--policy.file` and `--web.config.file`.
    public static let configurationFileLimit = 1 << 20

    /// Calls `body` with successive chunks of the regular file at `path` until its end.
    ///
    /// Throws ``FileReadError/tooLarge(path:limit:)`` when the file reports more than `limit` bytes or
    /// yields more while it is read (`body` has then seen at most `limit` bytes), and
    /// ``FileReadError/timedOut(path:elapsed:)`` when `deadline` has passed after a chunk and the file has
    /// not ended. The deadline is checked between reads: one `read` that blocks (a hung network or FUSE
    /// file system) is not interrupted.
    ///
    /// `readingAhead` has a thread of its own read the file one chunk ahead of `body` (``ChunkPipe``): the
    /// kernel writes a procfs socket table as it is read (about 1 µs a socket, most of a scrape that reads
    /// `/proc/net`), and `body` meanwhile parses the chunk before on a second core. Without a thread (none
    /// could be started) the file is read in line.
    public static func forEachChunk(
        of path: String, limit: Int, deadline: ContinuousClock.Instant? = nil, readingAhead: Bool = false,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(FileReadError) {
        let clock = ContinuousClock()
        let start = clock.now
        let descriptor = try openRegularFile(path, limit: limit)
        defer { close(descriptor) }
        let checkDeadline = { () throws(FileReadError) in
            if let deadline, clock.now >= deadline {
                throw .timedOut(path: path, elapsed: clock.now - start)
            }
        }
        if readingAhead, let pipe = ChunkPipe.started(reading: descriptor, path: path, limit: limit) {
            return try pipe.forEachChunk(body, afterEach: checkDeadline)
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let count = try readChunk(descriptor, into: buffer, path: path, total: &total, limit: limit)
            if count == 0 { return }
            body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            try checkDeadline()
        }
    }

    /// One `read` into `buffer` (again after `EINTR`): the bytes read, 0 at the end of the file. Counts
    /// them into `total` and throws ``FileReadError/tooLarge(path:limit:)`` past `limit`.
    static func readChunk(
        _ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String, total: inout Int,
        limit: Int
    ) throws(FileReadError) -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw .system(FileSystemError(operation: "read", path: path, errno: errno))
            }
            total += count
            guard total <= limit else { throw .tooLarge(path: path, limit: limit) }
            return count
        }
    }

    /// Reads a whole regular file of at most `limit` bytes: a file named by a flag (policy, registry,
    /// password, web config) or a small procfs file.
    public static func readConfigurationFile(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachChunk(of: path, limit: limit) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Reads a whole regular file of at most `limit` bytes as UTF-8 text (invalid bytes are replaced).
    public static func readText(_ path: String, limit: Int) throws(FileReadError) -> String {
        String(decoding: try readConfigurationFile(path, limit: limit), as: UTF8.self)
    }

    /// Opens `path` for reading if it is a regular file of at most `limit` bytes, in blocking mode.
    static func openRegularFile(_ path: String, limit: Int) throws(FileReadError) -> Int32 {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else {
            throw .system(FileSystemError(operation: "open", path: path, errno: errno))
        }
        do throws(FileReadError) {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else {
                throw .system(FileSystemError(operation: "fstat", path: path, errno: errno))
            }
            let type = status.st_mode & S_IFMT
            guard type == S_IFREG else { throw .notRegularFile(path: path, kind: kind(of: type)) }
            guard status.st_size <= limit else { throw .tooLarge(path: path, limit: limit) }
            // Back to blocking reads, which a file system that honours O_NONBLOCK would otherwise refuse.
            guard fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK) == 0 else {
                throw .system(FileSystemError(operation: "fcntl", path: path, errno: errno))
            }
        } catch {
            close(descriptor)
            throw error
        }
        return descriptor
    }

    /// What a file of type `type` (the `S_IFMT` bits of its mode) is, for messages.
    private static func kind(of type: mode_t) -> String {
        switch type {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFDIR: "a directory"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "an unknown kind of file"
        }
    }
}
