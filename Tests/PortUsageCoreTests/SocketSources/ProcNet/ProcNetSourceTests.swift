import PortUsageCore
import PortUsageTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Hostile files under `--path.procfs` fail only their own table's collector, at once.
@Suite struct ProcNetSourceTests {
    /// A procfs root whose `net/tcp6`, `net/udp` and `net/udp6` are the fixtures and whose `net/tcp` is made
    /// by `makeTCP` (given its path).
    private func procRoot(tcp makeTCP: (String) -> Void) -> String {
        let root = Fixtures.temporaryDirectory()
        #expect(mkdir(root + "/net", 0o755) == 0)
        for table in ["tcp6", "udp", "udp6"] {
            #expect(symlink(Fixtures.procRoot + "/net/" + table, root + "/net/" + table) == 0)
        }
        makeTCP(root + "/net/tcp")
        return root
    }

    /// The error of each table that failed, by table name.
    private func failures(_ snapshot: SocketSnapshot) -> [String: String] {
        var failures: [String: String] = [:]
        for outcome in snapshot.outcomes {
            if case .failure(let error) = outcome.result {
                failures[outcome.table.rawValue] = error.description
            }
        }
        return failures
    }

    private func snapshot(
        _ root: String, maximumTableBytes: Int = ProcNetSource.defaultMaximumTableBytes,
        deadline: ContinuousClock.Instant? = nil
    ) -> SocketSnapshot {
        SocketSnapshot.take(
            from: ProcNetSource(procRoot: root, maximumTableBytes: maximumTableBytes),
            demand: SocketDemand(connections: true, everySocket: false), deadline: deadline)
    }

    @Test func aFIFOFailsItsTableWithoutBlocking() {
        let root = procRoot { #expect(mkfifo($0, 0o600) == 0) }
        let snapshot = snapshot(root)
        #expect(failures(snapshot) == ["tcp": "\(root)/net/tcp: not a regular file (a FIFO)"])
        #expect(snapshot.counts.listeners.keys.filter { $0.table == .udp }.count == 2)
    }

    @Test func devZeroLinkedAsATableFailsItAtOnce() {
        let root = procRoot { #expect(symlink("/dev/zero", $0) == 0) }
        #expect(
            failures(snapshot(root)) == [
                "tcp": "\(root)/net/tcp: not a regular file (a character device)"
            ])
    }

    @Test func aDirectoryFailsItsTable() {
        let root = procRoot { #expect(mkdir($0, 0o755) == 0) }
        #expect(
            failures(snapshot(root)) == ["tcp": "\(root)/net/tcp: not a regular file (a directory)"])
    }

    @Test func aTableLargerThanTheCapFailsIt() {
        // The tcp fixture is 1,950 bytes, the others under 1,200.
        let root = procRoot { #expect(symlink(Fixtures.procRoot + "/net/tcp", $0) == 0) }
        #expect(
            failures(snapshot(root, maximumTableBytes: 1500)) == [
                "tcp": "\(root)/net/tcp: larger than 1500 bytes limit"
            ])
    }

    @Test func tablesStillBeingReadAtTheDeadlineFail() {
        let snapshot = snapshot(Fixtures.procRoot, deadline: .now - .seconds(1))
        #expect(failures(snapshot).keys.sorted() == ["tcp", "tcp6", "udp", "udp6"])
        #expect(
            failures(snapshot)["udp"]?.hasPrefix("\(Fixtures.procRoot)/net/udp: timed out after 0.") == true)
    }
}
