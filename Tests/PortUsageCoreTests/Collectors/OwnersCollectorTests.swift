import Logging
import PortUsageCore
import PortUsageTestSupport
import Testing

@Suite("owners collector")
struct OwnersCollectorTests {
    /// Two TCP listeners on 0.0.0.0, ports 22 (inode 101) and 8080 (inode 102), each held by a process.
    private static func procfs() -> TemporaryProcfs {
        let header =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        let rows = [(0x0016, 101), (0x1F90, 102)].enumerated().map { index, listener in
            let port = String(listener.0, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: 4 - port.count) + port
            return "   \(index): 00000000:\(padded) 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
                + "     0        0 \(listener.1) 1 0000000000000000 100 0 0 10 0\n"
        }
        let procfs = TemporaryProcfs(files: ["tcp": header + rows.joined()])
        procfs.addProcess(10, comm: "sshd", descriptors: ["socket:[101]"])
        procfs.addProcess(11, comm: "web", descriptors: ["socket:[102]"])
        return procfs
    }

    private static func ownerSeries(maxPorts: Int, procRoot: String) -> [String] {
        let collector = PortUsageCollector(
            source: ProcNetSource(procRoot: procRoot), classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(
                enabled: [.listeners, .owners], tables: [.tcp], maxPortsPerProtocol: maxPorts),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"),
            owners: OwnerResolver(procRoot: procRoot, cgroupRoot: procRoot + "/no-cgroups"),
            procRoot: procRoot, logger: Logger(label: "test"))
        let family = collector.collect().families.first { $0.name == "port_usage_listener_owner_info" }
        return (family?.samples ?? []).map { sample in
            sample.labels.filter { ["port", "process"].contains($0.name) }.map(\.value).joined(separator: " ")
        }
    }

    @Test func processesAreNamedWithinTheCap() {
        let procfs = Self.procfs()
        #expect(Self.ownerSeries(maxPorts: 10, procRoot: procfs.path) == ["22 sshd", "8080 web"])
    }

    /// The ports summed into `other` are owned by user and unit alone: their sockets are not searched for.
    @Test func portsPastTheCapAreNotSearchedFor() {
        let procfs = Self.procfs()
        #expect(Self.ownerSeries(maxPorts: 1, procRoot: procfs.path) == ["22 sshd", "other "])
    }
}
