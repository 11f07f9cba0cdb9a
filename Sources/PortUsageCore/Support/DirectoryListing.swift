#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The entry names of a directory.
public enum DirectoryListing {
    /// The names in the directory at `path` but `.` and `..`, in directory order, decoded as UTF-8 (for
    /// directories whose names are ASCII, such as `/proc`); nil with `errno` set when it cannot be opened.
    public static func names(in path: String) -> [String]? {
        entries(in: RawPath(path))?.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The names in the directory at `path` but `.` and `..`, in directory order, as the bytes they are;
    /// nil with `errno` set when it cannot be opened.
    public static func entries(in path: RawPath) -> [[UInt8]]? {
        guard let directory = path.withCString({ opendir($0) }) else { return nil }
        defer { closedir(directory) }
        var names: [[UInt8]] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            if name != Array(".".utf8) && name != Array("..".utf8) { names.append(name) }
        }
        return names
    }
}
