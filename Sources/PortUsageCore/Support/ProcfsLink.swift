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
        // Read into the stack: one allocation per link, for the result (the owners walk reads one link
        // per descriptor of every process).
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let length = readlinkat(directory, name, buffer.baseAddress!, buffer.count)
            guard length >= 0 else { return nil }
            return UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<length]).map { $0 }
        }
    }

    /// The inode of a `type:[N]` target whose type is `type`, or nil for any other target.
    static func inode(of target: [UInt8], type: String) -> UInt64? {
        let prefix = Array(type.utf8) + [UInt8(ascii: ":"), UInt8(ascii: "[")]
        guard target.count > prefix.count + 1, target.starts(with: prefix), target.last == UInt8(ascii: "]")
        else { return nil }
        return UInt64(String(decoding: target[prefix.count..<(target.count - 1)], as: UTF8.self))
    }

    /// The ids of the processes listed under `procRoot`, in directory order (ascending on procfs).
    static func processIDs(under procRoot: String) -> [Int] {
        (DirectoryListing.names(in: procRoot) ?? []).compactMap { Int($0) }.filter { $0 > 0 }
    }
}
