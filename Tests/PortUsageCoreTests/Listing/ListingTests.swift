import PortUsageTestSupport
import Testing

@testable import PortUsageCore

/// `list`'s table and JSON, and `lookup`'s answers, from the embedded registry.
@Suite("list and lookup")
struct ListingTests {
    static let classifier = PortClassifier(registry: .embedded)

    static func listener(
        port: UInt16, transport: TransportProtocol = .tcp, address: UInt32 = 0x7F00_0001,
        expected: Bool? = nil,
        owner: SocketOwner = SocketOwner(user: "nobody", unit: "", processes: []), queued: UInt32? = nil,
        backlog: UInt32? = nil, drops: UInt32? = nil
    ) -> ListedListener {
        ListedListener(
            transport: transport, address: IPAddress(ipv4: address), port: port,
            exposure: address == 0 ? .any : .loopback,
            classification: classifier.classify(port: port, transport: transport),
            unexpectedReason: expected == false ? .port : nil, policyChecked: expected != nil, owner: owner,
            queued: queued, backlog: backlog, drops: drops)
    }

    @Test func theTableAlignsColumnsAndMarksWhatDeservesALook() {
        let table = ListenerListingText.table([
            Self.listener(
                port: 22, address: 0, expected: true,
                owner: SocketOwner(user: "root", unit: "ssh.service", processes: ["sshd"]), queued: 0,
                backlog: 128, drops: 12),
            Self.listener(port: 768, expected: false, queued: 3),
        ])
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(
            lines[0]
                == "  proto family address   port range  assignment service policy          user   unit        process queue drops"
        )
        #expect(
            lines[1]
                == "  tcp   ipv4   0.0.0.0   22   system assigned   ssh     expected        root   ssh.service sshd    0/128 12"
        )
        #expect(
            lines[2]
                == "! tcp   ipv4   127.0.0.1 768  system unassigned -       unexpected:port nobody -           -       3     -"
        )
        #expect(lines[3].hasPrefix("! = on a system or user port that IANA has not assigned"))
    }

    @Test func withoutMarksThereIsNoExplanationLine() {
        let table = ListenerListingText.table([Self.listener(port: 22)])
        #expect(table.split(separator: "\n").count == 2)
        #expect(!table.contains("! ="))
    }

    @Test func jsonHasEveryFieldWithNullsForWhatIsUnknown() {
        let json = ListenerListingText.json([Self.listener(port: 771, transport: .udp, queued: 5, drops: 9)])
        #expect(json.hasPrefix("[{") && json.hasSuffix("}]\n"))
        for field in [
            "\"protocol\":\"udp\"", "\"port\":771", "\"exposure\":\"loopback\"",
            "\"assignment\":\"assigned\"",
            "\"service\":\"rtip\"", "\"expected\":null", "\"marks\":[]", "\"queued\":5", "\"backlog\":null",
            "\"processes\":[]", "\"drops\":9",
        ] {
            #expect(json.contains(field), "\(field)")
        }
    }

    @Test func lookupByNumberAndByNameFindTheSamePort() {
        let csv = RegistryCSV.embedded()
        let registry = IANARegistry.embedded
        let byNumber = PortLookup.find("771", transport: nil, in: csv, registry: registry, listeners: [])
        let byName = PortLookup.find("RTIP", transport: nil, in: csv, registry: registry, listeners: [])
        #expect(byNumber == byName)
        #expect(byNumber.map { "\($0.port)/\($0.transport)" } == ["771/tcp", "771/udp"])
        #expect(byNumber[0].text.hasPrefix("771/tcp: assigned system port: rtip"))
        #expect(byNumber[0].text.hasSuffix("  listening now: nothing\n"))
    }

    @Test func lookupNamesTheListenersOnThePort() {
        let owner = SocketOwner(user: "root", unit: "backup.service", processes: ["backupd"])
        let lookups = PortLookup.find(
            "768", transport: .tcp, in: RegistryCSV.embedded(), registry: .embedded,
            listeners: [Self.listener(port: 768, owner: owner), Self.listener(port: 769)])
        #expect(
            lookups.map(\.text) == [
                "768/tcp: unassigned system port\n"
                    + "  listening now: ipv4 127.0.0.1 (loopback), user root, unit backup.service, process backupd\n"
            ])
    }

    @Test func aNameWithManyPortsIsCutAtTheMaximum() {
        let lookups = PortLookup.find(
            "x11", transport: nil, in: RegistryCSV.embedded(), registry: .embedded, listeners: [])
        #expect(lookups.count == PortLookup.maximumPorts)
        #expect(lookups.first?.port == 6000 && lookups.first?.transport == .tcp)
    }

    /// The captured tables: every listening socket once, the `SO_REUSEPORT` pair as two, sorted by port,
    /// judged by the policy.
    @Test func theListingOfTheCapturedTables() {
        var policy = PortPolicy()
        policy.watchedRanges = [.user]
        let (listeners, failures) = ListenerListing.take(
            from: ProcNetSource(procRoot: Fixtures.procRoot), tables: SocketTable.allCases,
            owners: OwnerResolver(procRoot: Fixtures.procRoot, cgroupRoot: Fixtures.procRoot + "/none"),
            classifier: Self.classifier, policy: policy)
        #expect(failures.isEmpty)
        let tcp = listeners.filter { $0.transport == .tcp }.map(\.port)
        #expect(tcp == [2024, 17001, 17002, 17003, 17004, 17005, 17005])
        let udp = listeners.filter { $0.transport == .udp }.map(\.port)
        #expect(udp == [17011, 17012, 17013, 17014])
        #expect(listeners.allSatisfy { $0.expected == false })
    }
}
