#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Links of procfs that name a kernel object by type and inode, such as `socket:[12345]` in
/// `/proc/PID/fd` and `net:[4026531840]` in `/proc/PID/ns`.
enum ProcfsLink {
    /// The target of the link `name` in the directory open as `directory` (or of the path `name` when
    /// `directory` is `AT_FDCWD`), or nil with `errno` set when it cannot be read.
    static func target(of name: UnsafePointer<CChar>, in directory: Int32 = AT_FDCWD) -> [UInt8]? {
        withTarget(of: name, in: directory) { $0.map { Array($0) } }
    }

    /// The target of the link at `path` as a path of at most `PATH_MAX` bytes (its invalid UTF-8 bytes as
    /// `\\xHH`), or nil when it cannot be read: `/proc/PID/exe`, which only a process that may trace PID
    /// can read.
    static func pathTarget(of path: String) -> String? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(PATH_MAX)) { buffer in
            let length = readlink(path, buffer.baseAddress!, buffer.count)
            guard length >= 0, length < buffer.count else { return nil }
            return String(
                escapingInvalidUTF8: Array(
                    UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<length])))
        }
    }

    /// The inode of the link `name` in the directory open as `directory` when its target is `type:[N]`;
    /// nil for any other target, or with `errno` set when it cannot be read. Nothing is allocated: the owners
    /// walk reads one link per descriptor of every process.
    static func inode(ofLink name: UnsafePointer<CChar>, in directory: Int32, type: String) -> UInt64? {
        withTarget(of: name, in: directory) { target in target.flatMap { inode(of: $0, type: type) } }
    }

    /// The inode of a `type:[N]` target whose type is `type`, or nil for any other target (and for a number
    /// that does not fit 64 bits).
    static func inode(of target: [UInt8], type: String) -> UInt64? {
        target.withUnsafeBytes { inode(of: $0, type: type) }
    }

    private static func inode(of target: UnsafeRawBufferPointer, type: String) -> UInt64? {
        let prefixLength = type.utf8.count + 2
        guard target.count > prefixLength + 1, target.starts(with: type.utf8),
            target[prefixLength - 2] == UInt8(ascii: ":"), target[prefixLength - 1] == UInt8(ascii: "["),
            target[target.count - 1] == UInt8(ascii: "]")
        else { return nil }
        var value: UInt64 = 0
        for byte in target[prefixLength..<(target.count - 1)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }

    /// Calls `body` with the target of the link `name` (see ``target(of:in:)``) read into the stack.
    private static func withTarget<Result>(
        of name: UnsafePointer<CChar>, in directory: Int32, _ body: (UnsafeRawBufferPointer?) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = readlinkat(directory, name, buffer.baseAddress!, buffer.count)
            guard length >= 0 else { return body(nil) }
            return body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<length]))
        }
    }

    /// The ids of the processes listed under `procRoot`, in directory order (ascending on procfs). Only
    /// names that are pids (1 to 2^31 - 1; the kernel's limit is 2^22) are kept, so a pid plus one never
    /// overflows.
    static func processIDs(under procRoot: String) -> [Int] {
        (DirectoryListing.names(in: procRoot) ?? []).compactMap { Int($0) }.filter {
            $0 > 0 && $0 <= Int32.max
        }
    }
}
