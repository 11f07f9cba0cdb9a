import PortUsagePolicy
import PortUsageYAML
import Testing

@testable import PortUsageCore

@Suite struct PolicyFileTests {
    private func parse(_ text: String) throws(YAMLFileError) -> PortPolicy {
        try PolicyFile.parse(Array(text.utf8), file: "policy.yml")
    }

    @Test func readsEverySection() throws {
        let policy = try parse(
            """
            # comment
            watched_ranges: [system, user]
            expected:
              - port: 22
                protocol: tcp
                exposure: any
                description: ssh for admins
              - {port: 8000-8100, protocol: udp}
            services:
              9100: node_exporter
              "53/udp": dns
            """)
        #expect(policy.watchedRanges == [.system, .user])
        #expect(
            policy.expected == [
                .init(ports: 22...22, transport: .tcp, exposure: .any, origin: "policy.yml:4"),
                .init(ports: 8000...8100, transport: .udp, origin: "policy.yml:8"),
            ])
        #expect(policy.serviceName(port: 9100, transport: .udp) == "node_exporter")
        #expect(policy.serviceName(port: 53, transport: .udp) == "dns")
        #expect(policy.serviceName(port: 53, transport: .tcp) == nil)
    }

    @Test func defaultsWatchSystemPortsAndExpectNothing() throws {
        let policy = try parse("expected: []\n")
        #expect(policy == PortPolicy(watchedRanges: [.system], expected: [], serviceNames: [:]))
    }

    @Test(arguments: [
        ("expected:\n  - port: 22\n    protocol: tcp\n   bad", 4, 4, "YAML: "),
        ("expectd: []\n", 1, 1, "unknown key 'expectd'; expected one of watched_ranges, expected, services"),
        ("expected:\n  - port: 70000\n    protocol: tcp\n", 2, 11, "'70000' is not a port number (0-65535)"),
        (
            "expected:\n  - port: 22\n    protocol: sctp\n", 3, 15,
            "unknown protocol 'sctp'; expected one of tcp, udp"
        ),
        ("expected:\n  - port: 22\n", 2, 5, "expected listener without 'protocol' (tcp or udp)"),
        ("expected:\n  - port: 90-80\n    protocol: udp\n", 2, 11, "range '90-80' ends before it starts"),
        (
            "expected:\n  - port: 22\n    protocol: tcp\n    exposure: public\n", 4, 15,
            "unknown exposure 'public'; expected one of any, loopback, specific"
        ),
        (
            "watched_ranges: [system, private]\n", 1, 26,
            "unknown range 'private'; expected one of system, user, dynamic"
        ),
        ("watched_ranges: system\n", 1, 17, "expected a list, found a scalar"),
        ("expected: []\nexpected: []\n", 2, 1, "key 'expected' given twice"),
        ("services:\n  9100/sctp: x\n", 2, 3, "unknown protocol in '9100/sctp'; expected tcp or udp"),
        ("services:\n  9100: \"\"\n", 2, 9, "service name must be 1 to 64 bytes on one line"),
        ("- 1\n", 1, 1, "expected a mapping with keys watched_ranges, expected, services, found a list"),
        ("expected: *ssh\n", 1, 11, "YAML: found undefined alias"),
        ("expected: &x []\nservices: &x {9: *x}\n", 2, 18, "YAML: found undefined alias"),
        ("expected:\n  - {port: 22, protocol: tcp, unit: []}\n", 2, 37, "empty list of unit names"),
        ("expected:\n  - {port: 22, protocol: tcp, user: \"\"}\n", 2, 37, "user name must be 1 to 256 bytes"),
        (
            "expected:\n  - {port: 22, protocol: tcp, process: \"x\\\\\"}\n", 2, 40,
            "process name 'x\\' ends in a lone '\\'"
        ),
        ("expected:\n  - {port: 22, protocol: tcp, process: {a: b}}\n", 2, 40, "expected a scalar"),
        ("expected:\n  - {port: 22, protocol: tcp, required: maybe}\n", 2, 41, "expected true or false"),
        ("expected:\n  - {port: 22, protocol: tcp, required: \"true\"}\n", 2, 41, "expected true or false"),
        ("expected:\n  - {port: 22, protocol: tcp, owner: root}\n", 2, 31, "unknown key 'owner'"),
        (
            "expected:\n  - {port: 22, protocol: tcp, required: true}\n  - {port: 22, protocol: tcp, required: true}\n",
            3, 5, "required entry says the same as the one at line 2"
        ),
    ])
    func errorsNameLineColumnAndReason(text: String, line: Int, column: Int, reason: String) {
        #expect {
            try parse(text)
        } throws: { error in
            guard let error = error as? YAMLFileError else { return false }
            return error.file == "policy.yml" && error.line == line && error.column == column
                && error.reason.hasPrefix(reason)
        }
    }

    @Test func readsOwnersNamespaceAndRequired() throws {
        let policy = try parse(
            """
            expected:
              - port: 22
                protocol: tcp
                unit: ssh.service
                process: [sshd, "sshd-*"]
                user: root
                netns: host
                required: yes
              - {port: 8080, protocol: tcp, netns: "pod:*", process: 'a\\*b'}
            """)
        let ssh = policy.expected[0]
        #expect(ssh.units.map(\.text) == ["ssh.service"] && ssh.users.map(\.text) == ["root"])
        #expect(ssh.processes.map(\.text) == ["sshd", "sshd-*"])
        #expect(ssh.netns?.text == "host" && ssh.isRequired && ssh.constrainsOwner)
        let pod = policy.expected[1]
        #expect(!pod.isRequired && pod.netns?.text == "pod:*" && pod.units.isEmpty)
        #expect(pod.processes.first?.matches("a*b") == true && pod.processes.first?.matches("axb") == false)
    }

    @Test func aNameLongerThanTheBoundIsRefused() {
        let long = String(repeating: "a", count: 257)
        #expect(throws: YAMLFileError.self) {
            try parse("expected:\n  - {port: 22, protocol: tcp, unit: \(long)}\n")
        }
    }

    @Test func aliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...8 {
            let previous = (0..<10).map { _ in "*a\(level - 1)" }.joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        #expect {
            try parse(text)
        } throws: { error in
            (error as? YAMLFileError)?.reason
                == "document expands to too many nodes (more than 100000; aliases?)"
        }
    }

    @Test func aliasesCopyTheirAnchoredNode() throws {
        let policy = try parse("expected:\n  - &ssh {port: 22, protocol: tcp}\n  - *ssh\n")
        #expect(
            policy.expected == [
                .init(ports: 22...22, transport: .tcp, origin: "policy.yml:2"),
                .init(ports: 22...22, transport: .tcp, origin: "policy.yml:2"),
            ])
    }

    /// Each document is about 200 KB (flow, flow mapping, block sequence, block mapping) and is refused at its
    /// 65th level, before libyaml reads far past it.
    @Test(arguments: [
        (String(repeating: "[", count: 200_000), 1, 65),
        (String(repeating: "{a: ", count: 50_000), 1, 254),
        (String(repeating: "- ", count: 100_000), 1, 129),
        ((0..<630).map { String(repeating: " ", count: $0) + "a:\n" }.joined(), 64, 64),
    ])
    func deepNestingIsRefusedAtTheFirstLevelTooDeep(text: String, line: Int, column: Int) {
        #expect(
            throws: YAMLFileError(
                file: "policy.yml", line: line, column: column,
                reason: "document nests too deep (more than 64 levels)")
        ) { try parse(text) }
    }

    @Test func anAliasIsAsDeepAsItsAnchoredNode() {
        let sixty = String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(
            throws: YAMLFileError(
                file: "policy.yml", line: 2, column: 9,
                reason: "document nests too deep (more than 64 levels)")
        ) { try parse("a: &d \(sixty)\nb: [[[[[*d]]]]]\n") }
    }

    @Test func emptyAndMissingFilesAreErrors() {
        #expect(
            throws: YAMLFileError(
                file: "policy.yml", line: 0, column: 0, reason: "the file holds no YAML document")
        ) { try parse("# nothing\n") }
        #expect(
            throws: YAMLFileError(
                file: "/nonexistent.yml", line: 0, column: 0,
                reason: "open /nonexistent.yml: No such file or directory")
        ) { try PolicyFile.load(path: "/nonexistent.yml") }
    }
}

@Suite struct PortPolicyTests {
    private func series(_ port: UInt16, _ transport: TransportProtocol = .tcp, _ exposure: Exposure = .any)
        -> ListenerSeries
    {
        ListenerSeries(
            transport: transport, family: .ipv4, port: .port(port), exposure: exposure, classification: nil,
            count: 1)
    }

    /// Whether `policy` finds the sockets of `series` unexpected, their owners unknown.
    private func isUnexpected(_ series: ListenerSeries, by policy: PortPolicy) -> Bool {
        !PolicyJudgement(policy: policy, listeners: [series], owners: nil).unexpected.isEmpty
    }

    @Test func unexpectedMeansWatchedAndMatchingNoEntry() {
        let policy = PortPolicy(
            watchedRanges: [.system],
            expected: [
                .init(ports: 22...22, transport: .tcp),
                .init(ports: 600...700, transport: .udp, exposure: .loopback),
            ])
        #expect(!isUnexpected(series(22), by: policy))
        #expect(!isUnexpected(series(22, .tcp, .specific), by: policy))
        #expect(isUnexpected(series(22, .udp), by: policy))
        #expect(isUnexpected(series(768), by: policy))
        #expect(!isUnexpected(series(650, .udp, .loopback), by: policy))
        #expect(isUnexpected(series(650, .udp, .any), by: policy))
        #expect(!isUnexpected(series(8080), by: policy))
        #expect(
            !isUnexpected(
                ListenerSeries(
                    transport: .tcp, family: .ipv4, port: .other, exposure: .any, classification: nil,
                    count: 3), by: policy))
    }
}
