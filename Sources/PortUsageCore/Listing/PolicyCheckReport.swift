/// What `policy check` found in one collection: the listeners the policy does not expect, with their
/// owners, and the required listeners that are missing; as a table or JSON.
public struct PolicyCheckReport: Sendable {
    /// The sockets of one listener series that the policy does not expect, for one reason.
    public struct Finding: Sendable {
        public var series: ListenerSeries
        public var reason: UnexpectedReason
        public var sockets: Int
        /// The owners of the series' sockets.
        public var owners: [ListenerOwnership]
    }

    public var unexpected: [Finding]
    /// The required entries with no listener.
    public var missing: [PortPolicy.ExpectedListener]

    /// The findings of `scrape`, collected with a policy in force.
    public init(_ scrape: Scrape) {
        let judgement = scrape.judgement
        unexpected = (judgement?.unexpected ?? []).map { unexpected in
            let series = scrape.listeners[unexpected.series]
            return Finding(
                series: series, reason: unexpected.reason, sockets: unexpected.sockets,
                owners: scrape.owners.filter { $0.owns(series) })
        }
        missing = (judgement?.requirements ?? []).filter(\.isMissing).map(\.entry)
    }

    /// Whether the host is as the policy says.
    public var isClean: Bool { unexpected.isEmpty && missing.isEmpty }

    /// One row a finding: the unexpected listeners with their owners, then the missing ones with what
    /// their entry asks for; or one line saying that all is as expected.
    public var table: String {
        guard !isClean else { return "ok: every listener is expected and every required listener runs\n" }
        let header = [
            "finding", "proto", "family", "port", "exposure", "netns", "sockets", "user", "unit", "process",
            "policy",
        ]
        let unexpectedRows = unexpected.map { finding in
            let owners = finding.owners
            return [
                "unexpected:" + finding.reason.rawValue, finding.series.transport.rawValue,
                finding.series.family.rawValue, finding.series.port.description,
                finding.series.exposure.rawValue, Self.dash(finding.series.netns ?? ""),
                String(finding.sockets), Self.distinct(owners.map(\.user)), Self.distinct(owners.map(\.unit)),
                Self.distinct(owners.map(\.process)), "-",
            ]
        }
        let missingRows = missing.map { entry in
            let labels = Dictionary(entry.labels.map { ($0.name, $0.value) }) { first, _ in first }
            return [
                "missing", entry.transport.rawValue, "-", labels["port", default: ""],
                labels["exposure", default: ""], Self.dash(labels["netns", default: ""]), "0",
                Self.dash(labels["user", default: ""]), Self.dash(labels["unit", default: ""]),
                Self.dash(labels["process", default: ""]), Self.dash(entry.origin),
            ]
        }
        return TextTable.aligned([header] + unexpectedRows + missingRows)
    }

    /// `{"clean":…,"unexpected":[…],"missing":[…]}`.
    public var json: String {
        let unexpected = unexpected.map { finding in
            JSONValue.object(
                finding.series.labels.map { ($0.name, .string($0.value)) } + [
                    ("reason", .string(finding.reason.rawValue)), ("sockets", .number(finding.sockets)),
                    (
                        "owners",
                        .array(
                            finding.owners.map {
                                .object([
                                    ("user", .string($0.user)), ("unit", .string($0.unit)),
                                    ("process", .string($0.process)), ("sockets", .number($0.sockets)),
                                ])
                            })
                    ),
                ])
        }
        let missing = missing.map { entry in
            JSONValue.object(
                entry.labels.map { ($0.name, .string($0.value)) } + [("origin", .string(entry.origin))])
        }
        return JSONValue.object([
            ("clean", .bool(isClean)), ("unexpected", .array(unexpected)), ("missing", .array(missing)),
        ]).text + "\n"
    }

    private static func dash(_ text: String) -> String { text.isEmpty ? "-" : text }

    /// The distinct non-empty values, sorted, joined by commas; `-` when there are none.
    private static func distinct(_ values: [String]) -> String {
        dash(Set(values.filter { !$0.isEmpty }).sorted().joined(separator: ","))
    }
}
