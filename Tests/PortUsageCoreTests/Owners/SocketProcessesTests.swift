import PortUsageTestSupport
import Testing

@testable import PortUsageCore

/// The owners walk on a fake procfs: which processes hold which socket inodes, within a budget and a
/// deadline, remembering the inodes no process holds.
@Suite("socket processes")
struct SocketProcessesTests {
    /// Descriptors that are not wanted sockets: filler for the walk to read.
    private static func filler(_ count: Int) -> [String] {
        (0..<count).map { "pipe:[\($0 + 1)]" }
    }

    @Test func holdersAreNamedNewestFirstAndCachedByInode() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(10, comm: "sshd", descriptors: ["socket:[100]", "/dev/null"])
        // A number past 64 bits is no inode (and no trap).
        procfs.addProcess(
            20, comm: "nginx", descriptors: ["socket:[99999999999999999999999]", "socket:[200]"])
        procfs.addProcess(21, comm: "nginx-worker", descriptors: ["socket:[200]"])
        let processes = SocketProcesses(procRoot: procfs.path)
        let first = processes.names(holding: [0, 100, 200])
        #expect(first.names == [100: ["sshd"], 200: ["nginx", "nginx-worker"]])
        #expect(first.unresolved.isEmpty && first.denied == 0)
        // 21, then 20 (whose holding 200 is still looked for while 100 is searched for), then 10, whole.
        #expect(first.descriptorsRead == 5)
        let second = processes.names(holding: [100, 200])
        #expect(second.names == first.names && second.descriptorsRead == 5)
    }

    /// `comm` is cut at 15 bytes: the executable's name completes it when it begins with it, and only then.
    @Test func aNameCutAtFifteenBytesIsCompletedFromTheExecutable() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(
            10, comm: "port_usage_expo", descriptors: ["socket:[1]"],
            executable: "/usr/local/bin/port_usage_exporter (deleted)")
        procfs.addProcess(
            11, comm: "a-long-script-n", descriptors: ["socket:[2]"], executable: "/usr/bin/python3")
        procfs.addProcess(12, comm: "sshd", descriptors: ["socket:[3]"], executable: "/usr/sbin/sshd-session")
        procfs.addProcess(13, comm: "unreadable-exec", descriptors: ["socket:[4]"])
        let names = SocketProcesses(procRoot: procfs.path).names(holding: [1, 2, 3, 4]).names
        #expect(
            names == [
                1: ["port_usage_exporter"], 2: ["a-long-script-n"], 3: ["sshd"], 4: ["unreadable-exec"],
            ])
    }

    @Test func theBudgetStopsTheWalkAndTheNextLookupResumesWhereItStopped() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(30, comm: "a", descriptors: Self.filler(4))
        procfs.addProcess(20, comm: "b", descriptors: Self.filler(4))
        procfs.addProcess(10, comm: "holder", descriptors: Self.filler(3) + ["socket:[7]"])
        let processes = SocketProcesses(procRoot: procfs.path, maxDescriptors: 5)
        let first = processes.names(holding: [7])
        #expect(first.unresolved == [7: .searching(.budget)] && first.descriptorsRead == 5)
        let second = processes.names(holding: [7])
        #expect(second.unresolved == [7: .searching(.budget)] && second.descriptorsRead == 10)
        let third = processes.names(holding: [7])
        // Twelve descriptors in all, each read once.
        #expect(third.names == [7: ["holder"]] && third.unresolved.isEmpty && third.descriptorsRead == 12)
    }

    @Test func aSearchBegunInsideALapEndsOnlyAfterAWholeRoundFromWhereItBegan() {
        let procfs = TemporaryProcfs()
        for pid in [30, 20, 10] { procfs.addProcess(pid, comm: "p\(pid)", descriptors: Self.filler(4)) }
        let processes = SocketProcesses(procRoot: procfs.path, maxDescriptors: 5)
        let notFound = SocketProcesses.Unresolved.notFound(deniedDuringSearch: false)
        // 30 whole, then 20's descriptor 0.
        #expect(processes.names(holding: [9]).unresolved == [9: .searching(.budget)])
        // 8 is searched for from inside 20: 20's descriptors 1 to 3, 10's 0 and 1.
        #expect(
            processes.names(holding: [8, 9]).unresolved == [8: .searching(.budget), 9: .searching(.budget)])
        // 10's 2 and 3 end 9's round; 8's goes on in the next lap: 30's 0 to 2.
        let third = processes.names(holding: [8, 9])
        #expect(third.unresolved == [8: .searching(.budget), 9: notFound] && third.descriptorsRead == 15)
        // 30's 3 and 20's 0 to 3: past where 8's search began, its round ends.
        let fourth = processes.names(holding: [8, 9])
        #expect(fourth.unresolved == [8: notFound, 9: notFound] && fourth.descriptorsRead == 20)
    }

    @Test func thePassedDeadlineStopsTheWalkBeforeItReads() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(10, comm: "holder", descriptors: Self.filler(2) + ["socket:[7]"])
        let processes = SocketProcesses(procRoot: procfs.path)
        let late = processes.names(holding: [7], deadline: .now - .seconds(1))
        #expect(late.unresolved == [7: .searching(.deadline)] && late.descriptorsRead == 0)
        let next = processes.names(holding: [7], deadline: .now + .seconds(3600))
        #expect(next.names == [7: ["holder"]] && next.descriptorsRead == 3)
    }

    @Test func aSocketNoProcessHoldsIsRememberedThenSearchedAgainAfterABackoff() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(10, comm: "a", descriptors: Self.filler(5))
        procfs.addProcess(20, comm: "b", descriptors: Self.filler(5) + ["socket:[8]"])
        let processes = SocketProcesses(procRoot: procfs.path)
        let first = processes.names(holding: [8, 9])
        #expect(first.names == [8: ["b"]] && first.unresolved == [9: .notFound(deniedDuringSearch: false)])
        #expect(first.descriptorsRead == 11)
        // The lookups up to the first retry do not walk again for it.
        for _ in 2...UnownedInodes.firstRetry {
            let lookup = processes.names(holding: [8, 9])
            #expect(lookup.descriptorsRead == 11 && lookup.unresolved == first.unresolved)
        }
        // Meanwhile a process received it: the retry names it, newest first.
        procfs.addProcess(30, comm: "receiver", descriptors: ["socket:[9]"])
        let retry = processes.names(holding: [8, 9])
        #expect(retry.names == [8: ["b"], 9: ["receiver"]] && retry.unresolved.isEmpty)
        #expect(retry.descriptorsRead == 12)
    }

    @Test func theBackoffDoublesWhileTheSocketStaysUnheld() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(10, comm: "a", descriptors: Self.filler(4))
        let processes = SocketProcesses(procRoot: procfs.path)
        var walks: [Int] = []
        var read = 0
        let retries = [1, 1 + 16, 1 + 16 + 32]
        for lookup in 1...retries.last! + 1 {
            let result = processes.names(holding: [9])
            #expect(result.unresolved == [9: .notFound(deniedDuringSearch: false)])
            if result.descriptorsRead > read { walks.append(lookup) }
            read = result.descriptorsRead
        }
        #expect(walks == retries)
    }

    @Test func anInodeNoLongerListeningIsForgotten() {
        let procfs = TemporaryProcfs()
        procfs.addProcess(10, comm: "a", descriptors: Self.filler(3) + ["socket:[5]"])
        let processes = SocketProcesses(procRoot: procfs.path)
        #expect(processes.names(holding: [5, 9]).descriptorsRead == 4)
        // 9 closed, then a new socket reused its inode: searched for at once.
        #expect(processes.names(holding: [5]).descriptorsRead == 4)
        let reused = processes.names(holding: [5, 9])
        #expect(reused.descriptorsRead == 8 && reused.unresolved == [9: .notFound(deniedDuringSearch: false)])
        // Nothing asked for (an abandoned collection) forgets nothing.
        #expect(processes.names(holding: []).names.isEmpty)
        #expect(processes.names(holding: [5, 9]).descriptorsRead == 8)
    }

    @Test func aSocketNotFoundIsPutDownToUnreadableProcessesOnlyForOtherUsers() {
        let notFound = SocketProcesses.Unresolved.notFound(deniedDuringSearch: true)
        #expect(OwnerResolver.reason(notFound, socketUser: 0, ownUser: 65534) == .permission)
        #expect(OwnerResolver.reason(notFound, socketUser: 65534, ownUser: 65534) == .noProcess)
        #expect(
            OwnerResolver.reason(.notFound(deniedDuringSearch: false), socketUser: 0, ownUser: 65534)
                == .noProcess)
        #expect(OwnerResolver.reason(.searching(.deadline), socketUser: 0, ownUser: 0) == .deadline)
    }

    @Test func theWalkMayTakeHalfTheTimeLeftBeforeTheCollectionDeadline() {
        let now = ContinuousClock.now
        #expect(
            OwnersCollector.walkDeadline(now: now, collectionDeadline: now + .seconds(10))
                == now + .seconds(5))
        let passed = now - .seconds(1)
        #expect(OwnersCollector.walkDeadline(now: now, collectionDeadline: passed) == passed)
    }
}
