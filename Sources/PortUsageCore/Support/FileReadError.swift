/// Why ``FileReader`` could not read a file: a failed system call, or a file that is not a bounded
/// regular file.
public enum FileReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A system call failed (`open`, `fstat`, `read`).
    case system(FileSystemError)
    /// The path names something other than a regular file; `kind` says what, such as "a FIFO".
    case notRegularFile(path: String, kind: String)
    /// The file holds more than `limit` bytes, by its size or because it grew while it was read.
    case tooLarge(path: String, limit: Int)
    /// The deadline passed between two reads, `elapsed` after the file was opened.
    case timedOut(path: String, elapsed: Duration)

    /// The path the error is about.
    public var path: String {
        switch self {
        case .system(let error): error.path
        case .notRegularFile(let path, _), .tooLarge(let path, _), .timedOut(let path, _): path
        }
    }

    /// The message without a leading path, for errors that name the file already; a system error keeps its
    /// whole text ("open /x: No such file or directory").
    public var reason: String {
        switch self {
        case .system(let error): "\(error)"
        case .notRegularFile(_, let kind): "not a regular file (\(kind))"
        case .tooLarge(_, let limit): "larger than \(Self.byteCount(limit)) limit"
        case .timedOut(_, let elapsed): "timed out after \((elapsed.seconds * 1000).rounded() / 1000) s"
        }
    }

    /// One line naming the file and the reason.
    public var description: String {
        if case .system(let error) = self { return "\(error)" }
        return "\(path): \(reason)"
    }

    /// `count` bytes in the largest binary unit that divides it: "1 MiB", "64 KiB", "1000 bytes".
    static func byteCount(_ count: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where count >= size && count.isMultiple(of: size) {
            return "\(count / size) \(unit)"
        }
        return "\(count) bytes"
    }
}
