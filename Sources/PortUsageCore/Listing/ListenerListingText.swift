/// `list`'s output: an aligned table, like `ss -ltnup` with the exporter's annotations, or JSON.
public enum ListenerListingText {
    static let headers = [
        "", "proto", "family", "address", "port", "range", "assignment", "service", "policy", "user", "unit",
        "process", "queue", "drops",
    ]

    /// One row a listener, `!` first on a marked row (an unassigned port, an unexpected listener), aligned
    /// (``TextTable/aligned(_:)``); a line after the table explains the marks when a row has one.
    public static func table(_ listeners: [ListedListener]) -> String {
        let rows =
            [headers]
            + listeners.map { listener in
                [
                    listener.marks.isEmpty ? "" : "!", listener.transport.rawValue, listener.family.rawValue,
                    listener.address.description, String(listener.port),
                    listener.classification.range.rawValue,
                    listener.classification.assignment.rawValue, dash(listener.classification.service),
                    verdict(listener),
                    dash(listener.owner.user),
                    dash(listener.owner.unit), dash(listener.owner.processes.joined(separator: ",")),
                    queue(listener), listener.drops.map(String.init) ?? "-",
                ]
            }
        var text = TextTable.aligned(rows)
        if listeners.contains(where: { !$0.marks.isEmpty }) {
            text += "! = on a system or user port that IANA has not assigned, or not expected by the policy\n"
        }
        return text
    }

    /// A JSON array, one object a listener.
    public static func json(_ listeners: [ListedListener]) -> String {
        JSONValue.array(listeners.map(jsonObject)).text + "\n"
    }

    /// One listener as a JSON object.
    static func jsonObject(_ listener: ListedListener) -> JSONValue {
        .object([
            ("protocol", .string(listener.transport.rawValue)), ("family", .string(listener.family.rawValue)),
            ("address", .string(listener.address.description)), ("port", .number(Int(listener.port))),
            ("exposure", .string(listener.exposure.rawValue)),
            ("range", .string(listener.classification.range.rawValue)),
            ("assignment", .string(listener.classification.assignment.rawValue)),
            ("service", .string(listener.classification.service)),
            ("description", .string(listener.classification.description)),
            ("expected", listener.expected.map(JSONValue.bool) ?? .null),
            ("reason", listener.unexpectedReason.map { .string($0.rawValue) } ?? .null),
            ("marks", .array(listener.marks.map(JSONValue.string))),
            ("user", .string(listener.owner.user)), ("unit", .string(listener.owner.unit)),
            ("processes", .array(listener.owner.processes.map(JSONValue.string))),
            ("queued", .optional(listener.queued)), ("backlog", .optional(listener.backlog)),
            ("drops", .optional(listener.drops)),
        ])
    }

    private static func dash(_ text: String) -> String { text.isEmpty ? "-" : text }

    /// The policy column: `expected`, `unexpected:<reason>`, or `-` without a policy.
    private static func verdict(_ listener: ListedListener) -> String {
        guard listener.policyChecked else { return "-" }
        return listener.unexpectedReason.map { "unexpected:" + $0.rawValue } ?? "expected"
    }

    private static func queue(_ listener: ListedListener) -> String {
        switch (listener.queued, listener.backlog) {
        case (let queued?, let backlog?): "\(queued)/\(backlog)"
        case (let queued?, nil): String(queued)
        default: "-"
        }
    }
}
