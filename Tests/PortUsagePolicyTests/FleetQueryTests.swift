import PortUsageCore
import Testing

@testable import PortUsagePolicy

/// `policy generate --from-prometheus`: the shares, the queries, the replies and their errors.
@Suite struct FleetQueryTests {
    static let classifier = PortClassifier(registry: .embedded)

    static func query(share: String = "0.9", owners: Set<OwnerKind> = [.unit, .user, .process]) throws
        -> FleetQuery
    {
        FleetQuery(
            baseURL: "http://prometheus:9090/", selector: try SeriesSelector(#"{job="port_usage"}"#),
            ranges: [.system, .user], minShare: try #require(FleetShare(share)), ownerKinds: owners)
    }

    static func vector(_ rows: [([String: String], Double)]) -> PrometheusVector {
        PrometheusVector(samples: rows.map { PrometheusVector.Sample(labels: $0.0, value: $0.1) })
    }

    @Test func sharesAreExactFractions() throws {
        let share = try #require(FleetShare("0.9"))
        #expect(share.isReached(by: 9, of: 10))
        #expect(!share.isReached(by: 8, of: 10))
        #expect(share.isReached(by: 9_000, of: 10_000))
        #expect(!share.isReached(by: 8_999, of: 10_000))
        #expect(!share.isReached(by: 0, of: 0))
        // Counts from a reply near Int.max compare without overflow.
        #expect(share.isReached(by: Int.max, of: Int.max) && !share.isReached(by: Int.max / 2, of: Int.max))
        let third = try #require(FleetShare("0.333333"))
        #expect(third.isReached(by: 1, of: 3))
        #expect(try #require(FleetShare("1")).isReached(by: 3, of: 3))
        #expect(!(try #require(FleetShare("1.0")).isReached(by: 2, of: 3)))
        for bad in ["0", "0.0", "1.1", "2", "-0.5", ".5", "0.", "0.1234567", "abc", "", "0.5.1", "٠.٥"] {
            #expect(FleetShare(bad) == nil, "\(bad)")
        }
    }

    @Test func selectorsAreMatchersInBraces() throws {
        #expect(try SeriesSelector(" {job=\"a\", env=~\"p.*\",} ").matchers == "job=\"a\", env=~\"p.*\"")
        #expect(try SeriesSelector("{}").matchers == "")
        #expect(try SeriesSelector(#"{x="}{"}"#).matchers == #"x="}{""#)
        for bad in ["job=\"a\"", "{a=\"b\"} or up{", "{a=\"b}", "{a=\"b\"}\n{", "{", ""] {
            #expect(throws: FleetQueryError.self) { try SeriesSelector(bad) }
        }
    }

    @Test func queriesAggregatePerHostThenCount() throws {
        let query = try Self.query()
        #expect(
            query.hostsExpression
                == #"count(group by (instance) (port_usage_exporter_build_info{job="port_usage"}))"#)
        #expect(
            query.listenersExpression
                == #"count by (protocol, port) (group by (instance, protocol, port) (port_usage_listeners{job="port_usage", port!="other", range=~"system|user"}))"#
        )
        #expect(
            query.ownersExpression(.unit)
                == #"count by (protocol, port, unit) (group by (instance, protocol, port, unit) (port_usage_listener_owner_info{job="port_usage", port!="other", unit!=""} and on (instance, protocol, family, port, exposure) port_usage_listeners{job="port_usage", port!="other", range=~"system|user"}))"#
        )
        #expect(
            query.url(for: "up{a=\"b c\"}")
                == "http://prometheus:9090/api/v1/query?query=up%7Ba%3D%22b%20c%22%7D")
    }

    @Test func listenersAndOwnersOnTheShareOfHostsAreExpected() throws {
        let key = { (port: String, transport: String) in ["protocol": transport, "port": port] }
        let drafts = try Self.query().expected(
            hosts: 10,
            listeners: Self.vector([(key("22", "tcp"), 10), (key("53", "udp"), 9), (key("2049", "tcp"), 8)]),
            exposures: Self.vector([
                (key("22", "tcp").merging(["exposure": "any"]) { $1 }, 10),
                (key("22", "tcp").merging(["exposure": "loopback"]) { $1 }, 1),
                (key("53", "udp").merging(["exposure": "any"]) { $1 }, 5),
                (key("53", "udp").merging(["exposure": "loopback"]) { $1 }, 5),
                (key("2049", "tcp").merging(["exposure": "any"]) { $1 }, 8),
            ]),
            owners: [
                .unit: Self.vector([
                    (key("22", "tcp").merging(["unit": "ssh.service"]) { $1 }, 9),
                    (key("22", "tcp").merging(["unit": "dropbear.service"]) { $1 }, 1),
                    (key("53", "udp").merging(["unit": "a.service"]) { $1 }, 4),
                    (key("53", "udp").merging(["unit": "b.service"]) { $1 }, 5),
                ]),
                .process: Self.vector([(key("22", "tcp").merging(["process": "sshd"]) { $1 }, 10)]),
            ],
            classifier: Self.classifier)
        #expect(
            drafts == [
                DraftListener(
                    port: 22, transport: .tcp, exposure: .any,
                    owners: [.unit: ["ssh.service"], .process: ["sshd"]],
                    service: "ssh", prevalence: .init(hosts: 10, of: 10)),
                DraftListener(
                    port: 53, transport: .udp, exposure: nil, owners: [:], service: "domain",
                    prevalence: .init(hosts: 9, of: 10)),
            ])
    }

    @Test func runAsksPrometheusAndStopsAtAnEmptyFleet() throws {
        var asked: [String] = []
        let replies = [
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1.5,"2"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"protocol":"tcp","port":"22"},"value":[1.5,"2"]},{"metric":{"protocol":"tcp","port":"25"},"value":[1.5,"1"]}]}}"#,
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"protocol":"tcp","port":"22","exposure":"any"},"value":[1.5,"2"]}]}}"#,
        ]
        let (hosts, listeners) = try Self.query(owners: []).run(classifier: Self.classifier) { url in
            asked.append(url)
            return (200, Array(replies[asked.count - 1].utf8))
        }
        #expect(asked.count == 3)
        #expect(hosts == 2)
        #expect(listeners.map(\.port) == [22])
        #expect(listeners.first?.exposure == .any)
        #expect(listeners.first?.prevalence == .init(hosts: 2, of: 2))
        let empty = #"{"status":"success","data":{"resultType":"vector","result":[]}}"#
        #expect(
            throws: FleetQueryError(
                #"no host runs the exporter: port_usage_exporter_build_info{job="port_usage"} has no series"#)
        ) {
            try Self.query().run(classifier: Self.classifier) { _ in (200, Array(empty.utf8)) }
        }
    }

    @Test func badRepliesAreOneLineErrors() {
        let cases: [(Int, String, String)] = [
            (
                400, #"{"status":"error","errorType":"bad_data","error":"1:5: parse error:\nunexpected"}"#,
                "Prometheus answered HTTP 400, bad_data: 1:5: parse error: unexpected"
            ),
            (503, "Service Unavailable\n", "HTTP 503: Service Unavailable"),
            (
                200, "<html>",
                "the reply is not the Prometheus API's JSON: invalid JSON at byte 0: expected a value"
            ),
            (
                200, #"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                #"the reply's resultType is not "vector""#
            ),
            (200, #"{"status":"success"}"#, #"the reply has no status "success" with data"#),
            (
                200,
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,2]}]}}"#,
                #"a result in the reply is not {metric, value: [time, "number"]}"#
            ),
            (
                200,
                #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":1},"value":[1,"2"]}]}}"#,
                "label 'a' in the reply is not a string"
            ),
        ]
        for (status, body, message) in cases {
            #expect(throws: FleetQueryError(message)) {
                try PrometheusVector(status: status, body: Array(body.utf8))
            }
        }
        let huge = String(repeating: "x", count: 1000)
        #expect(throws: FleetQueryError("HTTP 500: " + String(repeating: "x", count: 300) + "...")) {
            try PrometheusVector(status: 500, body: Array(huge.utf8))
        }
    }

    @Test func aCountThatIsNotWholeOrAKeyThatIsNotAListenerIsAnError() throws {
        #expect(throws: FleetQueryError("a count in the reply is not a whole number: 1.5")) {
            try Self.query().expected(
                hosts: 2, listeners: Self.vector([(["protocol": "tcp", "port": "22"], 1.5)]),
                exposures: Self.vector([]), owners: [:], classifier: Self.classifier)
        }
        #expect(throws: FleetQueryError.self) {
            try Self.query().expected(
                hosts: 2, listeners: Self.vector([(["protocol": "sctp", "port": "22"], 1)]),
                exposures: Self.vector([]), owners: [:], classifier: Self.classifier)
        }
    }
}
