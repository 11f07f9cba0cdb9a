import PortUsageYAML
import Testing

@testable import PortUsageCore
@testable import PortUsagePolicy

/// `policy generate`'s YAML: read back by libyaml and the policy parser as written, whatever the names.
@Suite struct PolicyDraftTests {
    static let classifier = PortClassifier(registry: .embedded)

    /// Names whoever starts a process may choose: YAML punctuation, quotes, escapes, line breaks (also
    /// NEL, LS, PS), controls, the byte-order mark, globs, reserved words, numbers, bytes that were not
    /// UTF-8 (decoded as U+FFFD), characters outside the BMP.
    static let hostileNames = [
        "sshd", "a: b", "#x", "x #y", "'q'", "\"dq\"", "back\\slash", "new\nline", "cr\rlf", "tab\tx",
        "nel\u{85}ls\u{2028}ps\u{2029}", "nul\u{0}bell\u{7}del\u{7F}c1\u{9B}", "\u{FEFF}bom",
        "u\u{FFFE}\u{FFFF}",
        "glob*?[x]", "null", "NULL", "~", "yes", "Off", "", " lead", "trail ", "- dash", "-dash", "?q", "&a",
        "*b", "!tag", "%p", "@at", "`bt", "{f}", "[s]", "a,b", "|", ">", "0x1F", "1e3", "1.5", "1000",
        "0", "bad\u{FFFD}utf8", "emoji😀", "漢字", ".hidden", "/usr/bin/x", "a\u{A0}b",
    ]

    static func listener(
        port: UInt16, transport: TransportProtocol = .tcp, address: UInt32 = 0x7F00_0001,
        owner: SocketOwner = SocketOwner(user: "root", unit: "", processes: [])
    ) -> ListedListener {
        ListedListener(
            transport: transport, address: IPAddress(ipv4: address), port: port,
            exposure: address == 0 ? .any : .loopback,
            classification: classifier.classify(port: port, transport: transport), unexpectedReason: nil,
            policyChecked: false, owner: owner, queued: nil, backlog: nil, drops: nil)
    }

    /// The scalars under `key` of every expected entry, as libyaml reads them back.
    private func values(_ key: String, in yaml: String) throws -> [[String]] {
        let root = try #require(try YAMLDocument.parse(Array(yaml.utf8), file: "draft.yml"))
        let decoder = YAMLDecoder(file: "draft.yml")
        let entries = try #require(
            try decoder.mapping(root, allowing: ["watched_ranges", "expected"]).first { $0.0 == "expected" }?
                .1)
        return try decoder.sequence(entries).map { entry in
            guard case .mapping(let members) = entry.content,
                let value = members.first(where: { (try? decoder.scalar($0.key)) == key })?.value
            else { return [] }
            if case .sequence(let items) = value.content { return try items.map(decoder.scalar) }
            #expect(!value.isNull)
            return [try decoder.scalar(value)]
        }
    }

    @Test func hostileNamesReadBackAsTheGlobsThatMatchOnlyThem() throws {
        let names = Self.hostileNames.filter { !$0.isEmpty }
        let listeners = names.enumerated().map { index, name in
            DraftListener(
                port: UInt16(index + 1), transport: .tcp, exposure: nil,
                owners: [.process: [name], .unit: [name + ".service"], .user: [name, "root"]], service: "")
        }
        let draft = PolicyDraft(
            watchedRanges: [.system], listeners: listeners, ownerKinds: [.process, .unit, .user],
            required: false,
            header: ["from\nhost # \u{2028}x"])
        let yaml = draft.yaml
        #expect(try values("process", in: yaml) == names.map { [GlobText.matching($0)] })
        #expect(try values("unit", in: yaml) == names.map { [GlobText.matching($0 + ".service")] })
        #expect(try values("user", in: yaml) == names.map { [$0, "root"].map(GlobText.matching).sorted() })
        // The header stays one comment line.
        #expect(yaml.hasPrefix("# from?host # ?x\nwatched_ranges: [system]\n"))
    }

    @Test func globsAreEscaped() {
        #expect(GlobText.matching("a*b?c\\d") == "a\\*b\\?c\\\\d")
        #expect(GlobText.matching("plain") == "plain")
        // A policy holds no line break: each of its bytes is one `?`.
        #expect(GlobText.matching("a\nb\r\nc\u{85}d\u{2028}e") == "a?b??c??d???e")
        // At most 256 bytes: cut at a whole character, then `*`.
        let long = GlobText.matching(String(repeating: "é", count: 100) + String(repeating: "*", count: 100))
        #expect(long.utf8.count == 255)
        #expect(long == String(repeating: "é", count: 100) + String(repeating: "\\*", count: 27) + "*")
    }

    @Test func plainOnlyWhenUnambiguous() {
        #expect(YAMLScalarText.of("sshd") == "sshd")
        #expect(YAMLScalarText.of("ssh.service") == "ssh.service")
        #expect(YAMLScalarText.of("1000") == "1000")
        #expect(YAMLScalarText.of("null") == "\"null\"")
        #expect(YAMLScalarText.of("1.5") == "\"1.5\"")
        #expect(YAMLScalarText.of("a: b") == "\"a: b\"")
        #expect(YAMLScalarText.of("q\"\\\n\u{85}\u{7F}\u{2028}") == "\"q\\\"\\\\\\n\\x85\\x7F\\u2028\"")
    }

    @Test func localListenersGroupByPortAndProtocolWithTheirKnownOwners() {
        let listed = [
            Self.listener(
                port: 22, address: 0,
                owner: SocketOwner(user: "root", unit: "ssh.service", processes: ["sshd"])),
            Self.listener(port: 22, address: 0, owner: SocketOwner(user: "root", unit: "", processes: [])),
            Self.listener(
                port: 53, transport: .udp, address: 0x7F00_0035,
                owner: SocketOwner(
                    user: "systemd-resolve", unit: "systemd-resolved.service",
                    processes: ["systemd-resolve"])),
            Self.listener(
                port: 631, address: 0,
                owner: SocketOwner(user: "root", unit: "cups.service", processes: ["cupsd"])),
            Self.listener(
                port: 631, address: 0x7F00_0001,
                owner: SocketOwner(user: "lp", unit: "cups.service", processes: ["cupsd", "x"])),
            Self.listener(port: 8080, owner: SocketOwner(user: "www", unit: "", processes: ["nginx"])),
        ]
        let drafts = DraftListener.local(listed, ranges: [.system])
        #expect(
            drafts == [
                DraftListener(
                    port: 22, transport: .tcp, exposure: .any,
                    owners: [.user: ["root"], .unit: ["ssh.service"], .process: ["sshd"]], service: "ssh"),
                DraftListener(
                    port: 53, transport: .udp, exposure: .loopback,
                    owners: [
                        .user: ["systemd-resolve"], .unit: ["systemd-resolved.service"],
                        .process: ["systemd-resolve"],
                    ], service: "domain"),
                DraftListener(
                    port: 631, transport: .tcp, exposure: nil,
                    owners: [.user: ["root", "lp"], .unit: ["cups.service"], .process: ["cupsd", "x"]],
                    service: "ipp"),
            ])
    }

    @Test func theYAMLHoldsRangesEntriesCommentsAndOnlyTheOwnersAskedFor() {
        let draft = PolicyDraft(
            watchedRanges: [.user, .system],
            listeners: [
                DraftListener(
                    port: 22, transport: .tcp, exposure: .any,
                    owners: [.user: ["root"], .unit: ["ssh.service"], .process: ["sshd"]], service: "ssh",
                    prevalence: .init(hosts: 3, of: 3)),
                DraftListener(
                    port: 1234, transport: .udp, exposure: nil, owners: [.user: ["a", "b"]], service: ""),
            ], ownerKinds: [.user, .process], required: true)
        #expect(
            draft.yaml == """
                watched_ranges: [system, user]
                expected:
                  - port: 22  # ssh, on 3 of 3 hosts
                    protocol: tcp
                    exposure: any
                    user: root
                    process: sshd
                    required: true
                  - port: 1234
                    protocol: udp
                    user: [a, b]
                    required: true

                """)
        #expect(
            PolicyDraft(watchedRanges: [.system], listeners: [], ownerKinds: [], required: false).yaml
                == "watched_ranges: [system]\nexpected: []\n")
    }

    /// The draft read by the policy parser expects exactly the listeners it was made from, owned by exactly
    /// the names seen: a hostile name matches itself and nothing else.
    @Test func thePolicyParserReadsTheDraftBack() throws {
        let names = Self.hostileNames.filter { !$0.isEmpty }
        let listeners = names.enumerated().map { index, name in
            DraftListener(
                port: UInt16(index * 700 + 1), transport: index % 2 == 0 ? .tcp : .udp,
                exposure: index % 3 == 0 ? .loopback : nil,
                owners: [.process: [name], .unit: [name], .user: [name]], service: name)
        }
        let draft = PolicyDraft(
            watchedRanges: [.system, .user, .dynamic], listeners: listeners,
            ownerKinds: Set(OwnerKind.allCases), required: false)
        let policy = try PolicyFile.parse(Array(draft.yaml.utf8), file: "draft.yml")
        #expect(policy.watchedRanges == [.system, .user, .dynamic])
        #expect(policy.expected.map(\.ports) == listeners.map { $0.port...$0.port })
        #expect(policy.expected.map(\.transport) == listeners.map(\.transport))
        #expect(policy.expected.map(\.exposure) == listeners.map(\.exposure))
        for (listener, name) in zip(listeners, names) {
            let verdict = { (owner: String) in
                policy.reason(
                    port: listener.port, transport: listener.transport,
                    exposure: listener.exposure ?? .specific,
                    netns: nil, owner: .init(user: owner, unit: owner, process: owner))
            }
            #expect(verdict(name) == nil, "\(name)")
            #expect(verdict(name + "x") == .owner, "\(name)")
            #expect(verdict("x" + name) == .owner, "\(name)")
        }
    }

    @Test func ownerKindListsParse() {
        #expect(OwnerKind.parseList("") == [])
        #expect(OwnerKind.parseList("none") == [])
        #expect(OwnerKind.parseList("none,unit") == nil)
        #expect(OwnerKind.parseList("unit,process") == [.unit, .process])
        #expect(OwnerKind.parseList("unit,") == nil)
        #expect(OwnerKind.parseList("pid") == nil)
    }
}
