public import PortUsageCore

/// A metrics group on a Pushgateway: the job and the further grouping labels, and the URL that names it.
public struct PushgatewayGroup: Sendable, Equatable {
    /// The gateway's base URL, without `/metrics/...`.
    public var baseURL: String
    public var job: String
    /// Grouping labels in URL order.
    public var labels: [Label]

    /// A group; checks the base URL's scheme and the label names.
    public init(baseURL: String, job: String, labels: [Label]) throws(ConfigurationError) {
        let lowered = baseURL.lowercased()
        let scheme = ["http://", "https://"].first { lowered.hasPrefix($0) }
        guard let scheme, let host = baseURL.dropFirst(scheme.count).first, host != "/" else {
            throw ConfigurationError("--push.url must be an http:// or https:// URL, got '\(baseURL)'")
        }
        guard !baseURL.contains("?"), !baseURL.contains("#") else {
            throw ConfigurationError("--push.url must not have a query or fragment, got '\(baseURL)'")
        }
        guard !job.isEmpty else { throw ConfigurationError("--push.job must not be empty") }
        var seen: Set<String> = []
        for label in labels {
            guard Self.isValidLabelName(label.name) else {
                throw ConfigurationError(
                    "--push.grouping: '\(label.name)' is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
            }
            guard label.name != "job", !label.name.hasPrefix("__") else {
                throw ConfigurationError(
                    "--push.grouping: label name '\(label.name)' is reserved (use --push.job for job)")
            }
            guard seen.insert(label.name).inserted else {
                throw ConfigurationError("--push.grouping: label '\(label.name)' given twice")
            }
        }
        self.baseURL = baseURL.droppingSuffix(while: { $0 == "/" })
        self.job = job
        self.labels = labels
    }

    /// `<base>/metrics/job/<job>{/<label>/<value>}`, per the Pushgateway API: a value that is empty or
    /// contains `/` takes the `@base64` form, any other is percent-encoded.
    public var url: String {
        var url = baseURL + "/metrics/" + Self.pathSegments(name: "job", value: job)
        for label in labels { url += "/" + Self.pathSegments(name: label.name, value: label.value) }
        return url
    }

    /// The URL with any `user:password@` removed, for logs.
    public var redactedURL: String { URLText.redactingCredentials(in: url) }

    private static func pathSegments(name: String, value: String) -> String {
        if value.isEmpty { return name + "@base64/=" }
        if value.contains("/") { return name + "@base64/" + Base64URL.encode(value) }
        return name + "/" + URLText.percentEncoded(value)
    }

    private static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first < 0x80,
            !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }
    }
}
