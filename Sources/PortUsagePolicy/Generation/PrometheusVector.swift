public import PortUsageCore

/// The result of an instant query (`/api/v1/query`) whose result is a vector, read from the reply of the
/// Prometheus HTTP API.
public struct PrometheusVector: Sendable, Equatable {
    /// One series of the result: its labels and value.
    public struct Sample: Sendable, Equatable {
        public var labels: [String: String]
        public var value: Double

        public init(labels: [String: String], value: Double) {
            self.labels = labels
            self.value = value
        }
    }

    public var samples: [Sample]

    /// The longest part of a Prometheus error message shown.
    static let maxMessage = 300

    /// The vector a reply with HTTP `status` and `body` holds. Throws, in one line, for an error reply
    /// (`status: error`, with Prometheus's message), another HTTP status, or a body that is not the API's
    /// JSON with a vector result.
    public init(status: Int, body: [UInt8], reader: JSONReader = JSONReader()) throws(FleetQueryError) {
        let document: JSONValue
        do {
            document = try reader.read(body)
        } catch {
            guard (200..<300).contains(status) else {
                throw FleetQueryError("HTTP \(status)\(Self.excerpt(body))")
            }
            throw FleetQueryError("the reply is not the Prometheus API's JSON: \(error)")
        }
        if case .string("error") = document["status"] {
            let kind = document["errorType"].flatMap(Self.text) ?? "error"
            let message = document["error"].flatMap(Self.text) ?? ""
            throw FleetQueryError(
                "Prometheus answered HTTP \(status), \(Self.oneLine(kind)): \(Self.oneLine(message))")
        }
        guard (200..<300).contains(status) else {
            throw FleetQueryError("HTTP \(status)\(Self.excerpt(body))")
        }
        guard case .string("success") = document["status"], let data = document["data"] else {
            throw FleetQueryError("the reply has no status \"success\" with data")
        }
        guard case .string("vector") = data["resultType"] else {
            throw FleetQueryError("the reply's resultType is not \"vector\"")
        }
        guard case .array(let results) = data["result"] else {
            throw FleetQueryError("the reply has no result list")
        }
        samples = try results.map(Self.sample)
    }

    init(samples: [Sample]) {
        self.samples = samples
    }

    private static func sample(_ value: JSONValue) throws(FleetQueryError) -> Sample {
        guard case .object(let metric)? = value["metric"],
            case .array(let pair)? = value["value"], pair.count == 2,
            case .string(let number) = pair[1], let parsed = Double(number)
        else { throw FleetQueryError("a result in the reply is not {metric, value: [time, \"number\"]}") }
        var labels: [String: String] = [:]
        for (name, labelValue) in metric {
            guard case .string(let text) = labelValue else {
                throw FleetQueryError("label '\(oneLine(name))' in the reply is not a string")
            }
            labels[name] = text
        }
        return Sample(labels: labels, value: parsed)
    }

    private static func text(_ value: JSONValue) -> String? {
        if case .string(let text) = value { text } else { nil }
    }

    /// `text` on one line, cut at ``maxMessage`` characters.
    static func oneLine(_ text: String) -> String {
        let line = String(
            text.prefix(maxMessage).map { $0.isNewline || $0.asciiValue.map { $0 < 0x20 } == true ? " " : $0 }
        )
        return text.count > maxMessage ? line + "..." : line
    }

    private static func excerpt(_ body: [UInt8]) -> String {
        let text = oneLine(String(decoding: body.prefix(maxMessage + 1), as: UTF8.self)).trimmingWhitespace
        return text.isEmpty ? "" : ": " + text
    }
}
