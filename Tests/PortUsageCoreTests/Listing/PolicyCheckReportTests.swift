import Testing

@testable import PortUsageCore

/// `policy check`'s report: the unexpected listeners with their owners and the missing ones, as a table
/// and as JSON.
@Suite("policy check report")
struct PolicyCheckReportTests {
    private static let ssh = PortPolicy.ExpectedListener(
        ports: 22...22, transport: .tcp, units: [NamePattern("ssh.service")!],
        processes: [NamePattern("sshd")!],
        isRequired: true, origin: "policy.yml:3")

    private static func scrape(owner process: String) -> Scrape {
        let listeners = [
            ListenerSeries(
                transport: .tcp, family: .ipv4, port: .port(22), exposure: .any, classification: nil, count: 1
            )
        ]
        let owners = [
            ListenerOwnership(
                table: SocketTable(transport: .tcp, family: .ipv4), port: .port(22), exposure: .any,
                user: "nobody", unit: "evil.service", process: process, sockets: 1)
        ]
        let policy = PortPolicy(watchedRanges: [.system], expected: [ssh])
        return Scrape(
            families: [], listeners: listeners, owners: owners,
            judgement: PolicyJudgement(policy: policy, listeners: listeners, owners: owners))
    }

    @Test func aTakenPortIsUnexpectedForItsOwnerAndItsRequiredEntryMissing() {
        let report = PolicyCheckReport(Self.scrape(owner: "nc\u{1B}[2J"))
        #expect(!report.isClean)
        let lines = report.table.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("finding          proto family port exposure netns sockets user"))
        #expect(
            lines[1].split(separator: " ", omittingEmptySubsequences: true)
                == [
                    "unexpected:owner", "tcp", "ipv4", "22", "any", "-", "1", "nobody", "evil.service",
                    "nc\\x1B[2J", "-",
                ])
        #expect(
            lines[2].split(separator: " ", omittingEmptySubsequences: true)
                == ["missing", "tcp", "-", "22", "any", "-", "0", "-", "ssh.service", "sshd", "policy.yml:3"])
        #expect(
            report.json
                == #"{"clean":false,"unexpected":[{"protocol":"tcp","family":"ipv4","port":"22","exposure":"any","range":"other","assignment":"other","service":"","reason":"owner","sockets":1,"owners":[{"user":"nobody","unit":"evil.service","process":"nc\u001b[2J","sockets":1}]}],"missing":[{"protocol":"tcp","port":"22","exposure":"any","netns":"","unit":"ssh.service","process":"sshd","user":"","origin":"policy.yml:3"}]}"#
                + "\n")
    }

    @Test func aHostAsThePolicySaysIsCleanInOneLine() {
        let policy = PortPolicy(watchedRanges: [.system], expected: [])
        let report = PolicyCheckReport(
            Scrape(families: [], judgement: PolicyJudgement(policy: policy, listeners: [], owners: [])))
        #expect(report.isClean)
        #expect(report.table == "ok: every listener is expected and every required listener runs\n")
        #expect(report.json == #"{"clean":true,"unexpected":[],"missing":[]}"# + "\n")
    }
}
