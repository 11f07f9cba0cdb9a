#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway procfs-shaped directory with the given `net/` files, and processes added with
/// ``addProcess(_:comm:descriptors:)``.
public final class TemporaryProcfs {
    public let path: String

    public init(files: [String: String] = [:]) {
        path = Fixtures.temporaryDirectory()
        mkdir(path + "/net", 0o755)
        for (name, text) in files {
            Fixtures.write(Array(text.utf8), to: path + "/net/" + name)
        }
    }

    /// Adds process `pid` named `comm`, whose descriptors 0, 1, … are links to `targets` (such as
    /// `socket:[12]` or `pipe:[3]`), as in `/proc/PID/fd`, and whose `exe` links to `executable` if given.
    public func addProcess(_ pid: Int, comm: String, descriptors targets: [String], executable: String? = nil)
    {
        let directory = path + "/" + String(pid)
        mkdir(directory, 0o755)
        mkdir(directory + "/fd", 0o755)
        Fixtures.write(Array((comm + "\n").utf8), to: directory + "/comm")
        for (descriptor, target) in targets.enumerated() {
            precondition(symlink(target, directory + "/fd/" + String(descriptor)) == 0, "symlink \(target)")
        }
        if let executable {
            precondition(symlink(executable, directory + "/exe") == 0, "symlink \(executable)")
        }
    }

    deinit {
        _ = system("rm -rf '\(path)'")
    }
}
