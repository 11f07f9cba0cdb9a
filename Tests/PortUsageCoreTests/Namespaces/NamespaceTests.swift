import Logging
import PortUsageTestSupport
import Testing

@testable import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("network namespaces")
struct NamespaceTests {
    @Test(arguments: [
        // systemd driver, a pod's container: the pod wins.
        (
            "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8695_a4b3c2d1e0f9.slice/cri-containerd-\(String(repeating: "ab", count: 32)).scope\n",
            "pod:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
        ),
        // cgroupfs driver.
        (
            "0::/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9/\(String(repeating: "cd", count: 32))\n",
            "pod:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"
        ),
        (
            "0::/system.slice/docker-\(String(repeating: "0123456789abcdef", count: 4)).scope\n",
            "container:0123456789ab"
        ),
        (
            "0::/machine.slice/libpod-\(String(repeating: "fe", count: 32)).scope/container\n",
            "container:fefefefefefe"
        ),
        (
            "12:pids:/docker/\(String(repeating: "9a", count: 32))\n11:cpu:/docker/\(String(repeating: "9a", count: 32))\n",
            "container:9a9a9a9a9a9a"
        ),
        // Not a container: a service, a short hex name, a pod-looking name outside kubepods.
        ("0::/system.slice/ssh.service\n", "inode:4026532001"),
        ("0::/user.slice/user-0.slice/session-3.scope\n", "inode:4026532001"),
        ("0::/mypod0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9.slice\n", "inode:4026532001"),
        ("garbage without colons\n", "inode:4026532001"),
        // Found by FuzzCgroupPath: 36 characters of hex digits and dashes that are no UUID.
        ("0::/kubepods-besteffort-pod0f1e2d_3c4b5a_6978_-695_a5b3c2d1e0f6.slice\n", "inode:4026532001"),
    ])
    func aNamespaceIsNamedByThePodOrContainerOfItsProcess(cgroup: String, label: String) {
        var namespace = NetworkNamespace(
            id: NamespaceID(inode: 4_026_532_001), kind: .unnamed, identity: "", path: "", processID: 1)
        if let (kind, identity) = ContainerIdentity.of(cgroupFile: cgroup[...]) {
            namespace.kind = kind
            namespace.identity = identity
        }
        #expect(namespace.label == label)
    }

    @Test func theScannerKeepsTheOldestProcessOfEachNamespace() throws {
        let root = Fixtures.temporaryDirectory()
        defer { _ = system("rm -rf '\(root)'") }
        let host = NamespaceScanner.ownNamespace()
        // procfs links are read, not followed: plain symlinks with the same targets stand in for them.
        for (pid, target) in [
            (10, "net:[4026532100]"), (11, "net:[4026532100]"), (12, "net:[\(host.inode)]"), (13, "mnt:[1]"),
        ] {
            mkdir("\(root)/\(pid)", 0o755)
            mkdir("\(root)/\(pid)/ns", 0o755)
            symlink(target, "\(root)/\(pid)/ns/net")
        }
        mkdir("\(root)/14", 0o755)  // a process whose ns link is missing (gone): skipped, not denied
        Fixtures.write(
            Array("0::/system.slice/docker-\(String(repeating: "ab", count: 32)).scope\n".utf8),
            to: "\(root)/10/cgroup")
        // A stale file under the named directory (its mount gone) is not a namespace.
        let named = root + "/named"
        mkdir(named, 0o755)
        Fixtures.write([], to: named + "/stale")

        let scanner = NamespaceScanner(procRoot: root, namedDirectory: named)
        let scan = scanner.scan()
        #expect(scan.host == host)
        #expect(scan.namespaces.map(\.id) == [NamespaceID(inode: 4_026_532_100)])
        #expect(scan.namespaces.first?.processID == 10)
        #expect(scan.namespaces.first?.path == RawPath("\(root)/10/ns/net"))
        #expect(scan.deniedProcesses == 0)
        var namespace = try #require(scan.namespaces.first)
        scanner.identify(&namespace)
        #expect(namespace.label == "container:abababababab")
    }

    @Test func labelsGoFirstAndOnlyOnTaggedKeys() {
        let names = [NamespaceID(inode: 7): "pod:x"]
        #expect(NamespaceLabel.value(of: .untagged, in: names) == nil)
        #expect(NamespaceLabel.value(of: NamespaceID(inode: 7), in: names) == "pod:x")
        #expect(NamespaceLabel.value(of: NamespaceID(inode: 8), in: names) == "inode:8")
        let series = ListenerSeries(
            transport: .tcp, family: .ipv4, port: .port(768), exposure: .any, classification: nil, count: 1,
            namespace: NamespaceID(inode: 7), netns: "pod:x")
        #expect(series.labels.first == Label("netns", "pod:x"))
    }

    @Test func theSameListenerInTwoNamespacesIsTwoSeries() {
        var counts = SocketCounts()
        let a = NamespaceID(inode: 1)
        let b = NamespaceID(inode: 2)
        counts.listeners[ListenerKey(table: .tcp, port: 768, exposure: .any, namespace: a)] = 1
        var other = SocketCounts()
        other.listeners[ListenerKey(table: .tcp, port: 768, exposure: .any, namespace: b)] = 2
        counts.absorb(other)
        let series = ListenerSeries.series(
            of: counts, classifier: PortClassifier(registry: IANARegistry.embedded),
            limits: CardinalityGuard(maxPorts: 10, counts: counts), policy: nil,
            namespaces: [a: "host", b: "blue"])
        #expect(series.map(\.netns) == ["host", "blue"])
        #expect(series.map(\.count) == [1, 2])
    }

    @Test func keysOfAnUnreadNamespaceAreNotClosed() {
        let history = ListenerHistory()
        let blue = NamespaceID(inode: 2)
        let key = ListenerKey(table: .tcp, port: 768, exposure: .any, namespace: blue)
        history.observe([key], at: 0, namespaces: [blue: "blue"])
        history.observe([], at: 1, namespaces: [:], unread: [blue])
        let probe = HistoryProbe(history: history)
        #expect(probe.samples("port_usage_listener_changes_total")["tcp,system,closed"] == 0)
        #expect(
            probe.samples("port_usage_listener_last_seen_timestamp_seconds")["blue,tcp,ipv4,768,any,system"]
                == 0)
        history.observe([], at: 2)
        #expect(
            HistoryProbe(history: history).samples("port_usage_listener_changes_total")["tcp,system,closed"]
                == 1)
    }

    @Test func aThreadOfItsOwnRunsTheWorkAndReturnsItsResult() {
        let caller = pthread_self()
        let result = onDedicatedThread { pthread_equal(pthread_self(), caller) == 0 ? 42 : 0 }
        #expect(result == 42)
    }

    @Test func enteringAMissingNamespaceFailsWithItsPath() {
        let namespace = NetworkNamespace(
            id: NamespaceID(inode: 1), kind: .unnamed, identity: "", path: "/nonexistent/ns/net",
            processID: nil)
        let opener = NamespaceSocketOpener.opener(for: namespace)
        #expect(
            throws: SocketSourceError.netlink(
                table: .tcp, operation: "open /nonexistent/ns/net", errno: ENOENT)
        ) {
            _ = try opener(.tcp)
        }
    }

    @Test func theOwnNamespaceCanBeEnteredWithTheCapability() throws {
        // Entering one's own namespace needs CAP_SYS_ADMIN too; without it the failure names setns.
        let own = NamespaceScanner.ownNamespace()
        let namespace = NetworkNamespace(
            id: own, kind: .unnamed, identity: "", path: "/proc/self/ns/net", processID: nil)
        let opener = NamespaceSocketOpener.opener(for: namespace)
        guard Capabilities.current().has(Capabilities.sysAdmin) else {
            #expect(throws: SocketSourceError.netlink(table: .tcp, operation: "setns", errno: EPERM)) {
                _ = try opener(.tcp)
            }
            return
        }
        let descriptor = try opener(.tcp)
        close(descriptor)
        #expect(descriptor >= 0)
    }

    @Test func theCollectorCountsNamespacesByHowTheyWereReadAndFailsOnlyWhenSomeWereMissed() throws {
        func namespace(_ inode: UInt32, _ kind: NetworkNamespace.Kind, _ identity: String) -> NetworkNamespace
        {
            NetworkNamespace(
                id: NamespaceID(inode: inode), kind: kind, identity: identity, path: "", processID: nil)
        }
        let pod = namespace(2, .pod, "0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9")
        let named = namespace(3, .named, "blue")
        let gone = namespace(4, .unnamed, "")
        var sweep = NamespaceSweepResult(
            host: NamespaceID(inode: 1), counts: SocketCounts(),
            readings: [
                NamespaceReading(namespace: pod, label: pod.label, source: .netlink),
                NamespaceReading(namespace: named, label: named.label, source: .procfs),
                NamespaceReading(namespace: gone, label: gone.label),  // vanished while read
            ],
            overflow: [NamespaceID(inode: 5)], deniedProcesses: 3, canTraceProcesses: true)
        let context = CollectionContext(
            snapshot: SocketSnapshot(counts: SocketCounts(), outcomes: []), listeners: [], owners: [],
            policy: nil, limits: CardinalityGuard(maxPorts: 1, counts: SocketCounts()), namespaces: sweep)
        var families: [MetricFamily] = []
        try NetnsCollector(setup: CollectorSetup(logger: Logger(label: "test"))).update(
            context, into: &families)
        let statuses = Dictionary(
            uniqueKeysWithValues: families.first { $0.name == "port_usage_netns_namespaces" }!.samples.map {
                ($0.labels[0].value, $0.value)
            })
        #expect(statuses == ["netlink": 1, "procfs": 1, "failed": 0, "over_limit": 1])
        let info = families.first { $0.name == "port_usage_netns_info" }!.samples.map {
            $0.labels.map(\.value)
        }
        #expect(
            info == [
                ["host", "host", ""], ["pod:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9", "pod", pod.identity],
                ["blue", "named", "blue"],
            ])
        #expect(sweep.unread == [NamespaceID(inode: 4), NamespaceID(inode: 5)])

        // Denied processes fail the collector only without CAP_SYS_PTRACE; a failed read always does.
        sweep.canTraceProcesses = false
        sweep.readings[1].failure = .netlink(table: .tcp, operation: "setns", errno: EPERM)
        var failed = context
        failed.namespaces = sweep
        let error = #expect(throws: NamespaceSweepFailure.self) {
            try NetnsCollector(setup: CollectorSetup(logger: Logger(label: "test"))).update(
                failed, into: &families)
        }
        #expect(error?.description.contains("CAP_SYS_PTRACE") == true)
        #expect(error?.description.contains("netns blue: sock_diag tcp: setns") == true)
    }
}
