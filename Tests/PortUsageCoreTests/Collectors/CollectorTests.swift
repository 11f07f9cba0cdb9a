import Logging
import PortUsageCore
import PortUsageTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("collector")
struct CollectorTests {
    private let buildInfo = BuildInfo(version: "1.2.3", revision: "abc", swiftVersion: "6.3.1")

    /// Every collector but `netns`, which reads the live host's namespaces (its tests are in
    /// NamespaceTests and the e2e suite's test_netns.py).
    private static let everyCollector = Set(CollectorName.allCases).subtracting([.netns])

    private func collector(
        procRoot: String = Fixtures.procRoot,
        options: CollectorOptions = CollectorOptions(enabled: everyCollector)
    ) -> PortUsageCollector {
        PortUsageCollector(
            source: ProcNetSource(procRoot: procRoot), classifier: PortClassifier(registry: .embedded),
            options: options, buildInfo: buildInfo,
            owners: OwnerResolver(procRoot: procRoot, cgroupRoot: procRoot + "/no-cgroups"),
            procRoot: procRoot,
            logger: Logger(label: "test"))
    }

    private func samples(_ scrape: Scrape, _ name: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for sample in scrape.families.first(where: { $0.name == name })?.samples ?? [] {
            result[sample.labels.map { "\($0.name)=\($0.value)" }.joined(separator: ",")] = sample.value
        }
        return result
    }

    @Test func listenerSeriesFromTheCapturedTables() {
        let scrape = collector().collect()
        #expect(
            samples(scrape, "port_usage_listeners") == [
                "protocol=tcp,family=ipv4,port=2024,exposure=any,range=user,assignment=assigned,service=xinuexpansion4":
                    1,
                "protocol=tcp,family=ipv4,port=17001,exposure=loopback,range=user,assignment=unassigned,service=":
                    1,
                "protocol=tcp,family=ipv4,port=17002,exposure=any,range=user,assignment=unassigned,service=":
                    1,
                "protocol=tcp,family=ipv4,port=17005,exposure=loopback,range=user,assignment=unassigned,service=":
                    2,
                "protocol=tcp,family=ipv6,port=17003,exposure=loopback,range=user,assignment=unassigned,service=":
                    1,
                "protocol=tcp,family=ipv6,port=17004,exposure=any,range=user,assignment=unassigned,service=":
                    1,
                "protocol=udp,family=ipv4,port=17011,exposure=loopback,range=user,assignment=unassigned,service=":
                    1,
                "protocol=udp,family=ipv4,port=17012,exposure=any,range=user,assignment=unassigned,service=":
                    1,
                "protocol=udp,family=ipv6,port=17013,exposure=loopback,range=user,assignment=unassigned,service=":
                    1,
                "protocol=udp,family=ipv6,port=17014,exposure=any,range=user,assignment=unassigned,service=":
                    1,
            ])
        #expect(
            samples(scrape, "port_usage_connections") == [
                "protocol=tcp,family=ipv4,port=17001,state=established": 3,
                "protocol=tcp,family=ipv6,port=17003,state=established": 2,
            ])
        #expect(
            samples(scrape, "port_usage_sockets") == [
                "protocol=tcp,family=ipv4,state=listen": 5, "protocol=tcp,family=ipv4,state=established": 6,
                "protocol=tcp,family=ipv4,state=time_wait": 1, "protocol=tcp,family=ipv6,state=listen": 2,
                "protocol=tcp,family=ipv6,state=established": 4,
                "protocol=udp,family=ipv4,state=unconnected": 2,
                "protocol=udp,family=ipv4,state=connected": 1,
                "protocol=udp,family=ipv6,state=unconnected": 2,
            ])
        #expect(
            samples(scrape, "port_usage_scrape_collector_success") == [
                "collector=listeners": 1, "collector=connections": 1, "collector=changes": 1,
                "collector=owners": 1, "collector=sockets": 1, "collector=ephemeral": 1,
                "collector=process": 1, "collector=saturation": 1,
            ])
        // Client sides on 54900, 54910, 54920 (to 17001), 42834 (TIME_WAIT, to 17002), 53160 and 53174 (to
        // [::1]:17003); the range 32768-60999 less 11 reserved ports.
        #expect(samples(scrape, "port_usage_ephemeral_ports_range_size") == ["": 28_221])
        #expect(
            samples(scrape, "port_usage_ephemeral_ports_in_use") == ["protocol=tcp": 6, "protocol=udp": 0])
        #expect(
            samples(scrape, "port_usage_ephemeral_ports_max_per_destination") == [
                "protocol=tcp": 3, "protocol=udp": 0,
            ])
        // The fixture's sockets belong to root; no process of the fixture tree holds them.
        let owners = samples(scrape, "port_usage_listener_owner_info")
        #expect(owners.count == samples(scrape, "port_usage_listeners").count)
        #expect(owners.keys.allSatisfy { $0.hasSuffix(",user=root,unit=,process=") })
        #expect(owners["protocol=tcp,family=ipv4,port=17005,exposure=loopback,user=root,unit=,process="] == 1)
        // The tree has no processes: a whole round reads none and finds none for the 11 listening sockets.
        #expect(
            samples(scrape, "port_usage_owner_unresolved_listeners") == [
                "reason=no_process": 11, "reason=permission": 0, "reason=budget": 0, "reason=deadline": 0,
            ])
        #expect(samples(scrape, "port_usage_owner_descriptors_read_total") == ["": 0])
        #expect(
            samples(scrape, "port_usage_socket_source_info") == [
                "protocol=tcp,family=ipv4,source=procfs": 1, "protocol=tcp,family=ipv6,source=procfs": 1,
                "protocol=udp,family=ipv4,source=procfs": 1, "protocol=udp,family=ipv6,source=procfs": 1,
            ])
        #expect(
            samples(scrape, "port_usage_exporter_build_info") == [
                "version=1.2.3,revision=abc,swift_version=6.3.1": 1
            ])
        #expect(
            samples(scrape, "port_usage_registry_info") == [
                "source=embedded,updated=2026-04-09,records=14512": 1
            ])
        #expect(samples(scrape, "process_open_fds").values.first ?? 0 > 0)
    }

    @Test func seriesAreOrderedByTheirTypedKeys() {
        let scrape = collector().collect()
        let listeners = scrape.families.first { $0.name == "port_usage_listeners" }!.samples.map {
            "\($0.labels[0].value)/\($0.labels[2].value)/\($0.labels[1].value)"
        }
        #expect(
            listeners == [
                "tcp/2024/ipv4", "tcp/17001/ipv4", "tcp/17002/ipv4", "tcp/17003/ipv6", "tcp/17004/ipv6",
                "tcp/17005/ipv4",
                "udp/17011/ipv4", "udp/17012/ipv4", "udp/17013/ipv6", "udp/17014/ipv6",
            ])
        let collectors = scrape.families.first { $0.name == "port_usage_scrape_collector_success" }!.samples
            .map {
                $0.labels[0].value
            }
        #expect(
            collectors == [
                "changes", "connections", "ephemeral", "listeners", "owners", "process", "saturation",
                "sockets",
            ])
        let names = String(
            decoding: ExpositionEncoder.encode(scrape.families, format: .prometheusText), as: UTF8.self
        )
        .split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(names == names.sorted())
    }

    @Test func aMissingOrUnreadableTableFailsOnlyItsCollector() throws {
        let root = TemporaryProcfs(files: [
            "tcp": try FileReader.readText(Fixtures.procRoot + "/net/tcp", limit: 1 << 20),
            "udp": try FileReader.readText(Fixtures.procRoot + "/net/udp", limit: 1 << 20),
        ])
        // tcp6 missing (IPv6 disabled): skipped. udp6 a directory, so reading it fails the collectors that
        // need it; what the other tables gave is still served.
        #expect(mkdir(root.path + "/net/udp6", 0o755) == 0)
        let scrape = collector(procRoot: root.path).collect()
        #expect(
            samples(scrape, "port_usage_scrape_collector_success") == [
                "collector=listeners": 0, "collector=connections": 1, "collector=changes": 0,
                "collector=owners": 0, "collector=sockets": 0, "collector=ephemeral": 0,
                "collector=process": 1, "collector=saturation": 0,
            ])
        #expect(samples(scrape, "port_usage_listeners").count == 6)
        #expect(
            samples(scrape, "port_usage_connections") == [
                "protocol=tcp,family=ipv4,port=17001,state=established": 3
            ])
    }

    @Test func aMissingTableIsASkipNotAFailure() throws {
        let root = TemporaryProcfs(files: [
            "tcp": try FileReader.readText(Fixtures.procRoot + "/net/tcp", limit: 1 << 20)
        ])
        // (The tree has no sysctls for the ephemeral collector: a tree without them fails it.)
        let options = CollectorOptions(enabled: Self.everyCollector.subtracting([.ephemeral]))
        let scrape = collector(procRoot: root.path, options: options).collect()
        #expect(samples(scrape, "port_usage_scrape_collector_success").values.allSatisfy { $0 == 1 })
        #expect(samples(scrape, "port_usage_listeners").count == 4)
    }

    @Test func connectionsFailWithoutAnyTCPTable() {
        let scrape = collector(options: CollectorOptions(tables: [.udp])).collect()
        #expect(samples(scrape, "port_usage_scrape_collector_success")["collector=connections"] == 0)
        #expect(!scrape.families.contains { $0.name == "port_usage_connections" })
    }

    @Test func disabledCollectorsExportNothing() {
        let scrape = collector(options: CollectorOptions(tables: [.udp6])).collect()
        #expect(
            Set(samples(scrape, "port_usage_scrape_collector_success").keys) == [
                "collector=listeners", "collector=connections", "collector=changes", "collector=owners",
                "collector=process", "collector=saturation",
            ])
        #expect(samples(scrape, "port_usage_listeners").count == 2)
        #expect(!scrape.families.contains { $0.name == "port_usage_sockets" })
        #expect(
            samples(scrape, "port_usage_parse_errors_total") == ["protocol=udp,family=ipv6,source=procfs": 0])
        let processOnly = collector(options: CollectorOptions(enabled: [.process])).collect()
        #expect(
            processOnly.families.filter { $0.name.hasPrefix("port_usage_") && $0.name.contains("listen") }
                .isEmpty)
        #expect(samples(processOnly, "port_usage_socket_source_info").isEmpty)
    }

    @Test func cardinalityGuardSumsTheHighestPortsIntoOther() {
        let scrape = collector(options: CollectorOptions(maxPortsPerProtocol: 3)).collect()
        #expect(!scrape.families.contains { $0.name == "port_usage_sockets" })
        let listeners = samples(scrape, "port_usage_listeners")
        // TCP ports 2024, 17001, 17002 keep their series; 17003 (v6), 17004 (v6), 17005 (v4, 2 sockets) do not.
        #expect(
            listeners[
                "protocol=tcp,family=ipv4,port=other,exposure=loopback,range=other,assignment=other,service="]
                == 2)
        #expect(
            listeners[
                "protocol=tcp,family=ipv6,port=other,exposure=loopback,range=other,assignment=other,service="]
                == 1)
        #expect(
            listeners[
                "protocol=tcp,family=ipv6,port=other,exposure=any,range=other,assignment=other,service="] == 1
        )
        #expect(listeners.keys.filter { $0.hasPrefix("protocol=tcp") }.count == 6)
        // UDP has four ports: 17014 goes to other.
        #expect(
            listeners[
                "protocol=udp,family=ipv6,port=other,exposure=any,range=other,assignment=other,service="] == 1
        )
        #expect(listeners.values.reduce(0, +) == 11)
        #expect(
            samples(scrape, "port_usage_connections")["protocol=tcp,family=ipv6,port=other,state=established"]
                == 2)
    }

    @Test func parseErrorsAccumulateAcrossScrapes() throws {
        let good = try FileReader.readText(Fixtures.procRoot + "/net/tcp", limit: 1 << 20)
        let root = TemporaryProcfs(files: ["tcp": good + "garbage line\n  9: short\n"])
        let collector = collector(procRoot: root.path, options: CollectorOptions(tables: [.tcp]))
        _ = collector.collect()
        let scrape = collector.collect()
        #expect(
            samples(scrape, "port_usage_parse_errors_total") == ["protocol=tcp,family=ipv4,source=procfs": 4])
        #expect(samples(scrape, "port_usage_listeners").count == 4)
    }
}
