import Testing

@testable import PortUsageCore

/// Which listeners a policy with owner constraints expects, why the others are unexpected, how many of
/// their sockets, and which required listeners are missing.
@Suite("policy judgement")
struct PolicyJudgementTests {
    private static func series(
        _ port: UInt16, count: Int = 1, _ transport: TransportProtocol = .tcp, netns: String? = nil
    ) -> ListenerSeries {
        ListenerSeries(
            transport: transport, family: .ipv4, port: .port(port), exposure: .any, classification: nil,
            count: count, netns: netns)
    }

    private static func owner(
        _ port: UInt16, user: String, unit: String = "", process: String, sockets: Int = 1
    ) -> ListenerOwnership {
        ListenerOwnership(
            table: SocketTable(transport: .tcp, family: .ipv4), port: .port(port), exposure: .any, user: user,
            unit: unit, process: process, sockets: sockets)
    }

    private static let sshOnly = PortPolicy(
        watchedRanges: [.system],
        expected: [
            .init(
                ports: 22...22, transport: .tcp, units: [NamePattern("ssh*.service")!],
                processes: [NamePattern("sshd")!], users: [NamePattern("root")!], isRequired: true)
        ])

    @Test func theRightOwnerIsExpectedAndAWrongOneIsUnexpectedForItsOwner() {
        let judged = PolicyJudgement(
            policy: Self.sshOnly, listeners: [Self.series(22, count: 3)],
            owners: [
                Self.owner(22, user: "root", unit: "ssh.service", process: "sshd", sockets: 2),
                Self.owner(22, user: "mallory", unit: "user@1000.service", process: "nc"),
            ])
        #expect(judged.unexpected == [.init(series: 0, reason: .owner, sockets: 1)])
        #expect(judged.requirements.map(\.isMissing) == [false])
    }

    @Test func anOwnerWhoseProcessCannotBeReadIsUnknownUnlessAnotherNameRulesItOut() {
        let judged = PolicyJudgement(
            policy: Self.sshOnly, listeners: [Self.series(22, count: 2)],
            owners: [
                Self.owner(22, user: "root", unit: "ssh.service", process: ""),
                Self.owner(22, user: "nobody", unit: "ssh.service", process: ""),
            ])
        #expect(
            judged.unexpected == [
                .init(series: 0, reason: .owner, sockets: 1),
                .init(series: 0, reason: .ownerUnknown, sockets: 1),
            ])
        // An owner that might be the allowed one keeps the required listener from being reported missing.
        #expect(judged.requirements.map(\.isMissing) == [false])
    }

    @Test func withoutTheOwnersCollectorOnlyEntriesWithoutOwnersExpectAListener() {
        let policy = PortPolicy(
            watchedRanges: [.system],
            expected: Self.sshOnly.expected + [.init(ports: 80...80, transport: .tcp)])
        let judged = PolicyJudgement(
            policy: policy, listeners: [Self.series(22, count: 2), Self.series(80), Self.series(81)],
            owners: nil)
        #expect(
            judged.unexpected == [
                .init(series: 0, reason: .ownerUnknown, sockets: 2),
                .init(series: 2, reason: .port, sockets: 1),
            ])
        #expect(judged.unexpectedSeries == [0, 2])
    }

    @Test func aRequiredListenerThatIsGoneOrHeldByAnotherOwnerIsMissing() {
        let gone = PolicyJudgement(policy: Self.sshOnly, listeners: [Self.series(80)], owners: [])
        #expect(gone.requirements.map(\.isMissing) == [true])
        let taken = PolicyJudgement(
            policy: Self.sshOnly, listeners: [Self.series(22)],
            owners: [Self.owner(22, user: "root", unit: "evil.service", process: "sshd")])
        #expect(taken.requirements.map(\.isMissing) == [true])
        #expect(taken.unexpected == [.init(series: 0, reason: .owner, sockets: 1)])
    }

    @Test func aSocketCountedUnderSeveralProcessNamesIsCountedOnceAtMost() {
        let judged = PolicyJudgement(
            policy: Self.sshOnly, listeners: [Self.series(22, count: 1)],
            owners: [
                Self.owner(22, user: "www", unit: "nginx.service", process: "nginx"),
                Self.owner(22, user: "www", unit: "nginx.service", process: "nginx-worker"),
            ])
        #expect(judged.unexpected == [.init(series: 0, reason: .owner, sockets: 1)])
    }

    @Test func theNamespaceConstraintMatchesTheNetnsLabelAndHostWithoutOne() {
        let policy = PortPolicy(
            watchedRanges: [.system],
            expected: [
                .init(ports: 22...22, transport: .tcp, netns: NamePattern("host")!),
                .init(ports: 80...80, transport: .tcp, netns: NamePattern("pod:*")!),
            ])
        let listeners = [
            Self.series(22), Self.series(22, netns: "host"), Self.series(22, netns: "pod:abc"),
            Self.series(80, netns: "pod:abc"), Self.series(80, netns: "host"),
        ]
        let judged = PolicyJudgement(policy: policy, listeners: listeners, owners: nil)
        #expect(judged.unexpectedSeries == [2, 4])
        #expect(judged.unexpected.allSatisfy { $0.reason == .port })
    }

    @Test func theOtherBucketIsNeverUnexpectedAndMayHoldARequiredPort() {
        let policy = PortPolicy(
            watchedRanges: [.system, .user, .dynamic],
            expected: [.init(ports: 40000...40000, transport: .tcp, isRequired: true)])
        let other = ListenerSeries(
            transport: .tcp, family: .ipv4, port: .other, exposure: .any, classification: nil, count: 9)
        let judged = PolicyJudgement(policy: policy, listeners: [other], owners: nil)
        #expect(judged.unexpected.isEmpty && judged.requirements.map(\.isMissing) == [false])
    }
}
