#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway procfs-shaped directory with the given `net/` files.
public final class TemporaryProcfs {
    public let path: String

    public init(files: [String: String]) {
        path = Fixtures.temporaryDirectory()
        mkdir(path + "/net", 0o755)
        for (name, text) in files {
            Fixtures.write(Array(text.utf8), to: path + "/net/" + name)
        }
    }

    deinit {
        _ = system("rm -rf '\(path)'")
    }
}
