/// The label matchers of `--selector`, such as `{job="port_usage"}`: added to every series a fleet query
/// reads. Only their shape is checked here (braces around matchers, quotes closed); Prometheus judges the
/// matchers themselves and its error is shown.
public struct SeriesSelector: Sendable, Equatable {
    /// The matchers between the braces, trimmed; empty for `{}`.
    public let matchers: String

    /// Throws when `text` is not one set of matchers in braces.
    public init(_ text: String) throws(FleetQueryError) {
        let trimmed = text.trimmingWhitespace
        guard trimmed.first == "{", trimmed.last == "}", trimmed.count >= 2 else {
            throw FleetQueryError("--selector must be label matchers in braces, such as {job=\"port_usage\"}")
        }
        let inner = trimmed.dropFirst().dropLast()
        var quote: Character?
        var escaped = false
        for character in inner {
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" || character == "`" {
                quote = character
            } else if "{}\n\r".contains(character) {
                throw FleetQueryError("--selector must be one set of label matchers in braces")
            }
        }
        guard quote == nil else { throw FleetQueryError("--selector has a quote that is not closed") }
        matchers = String(inner).trimmingWhitespace.droppingSuffix(while: { $0 == "," })
    }

    /// `metric` with these matchers and `extra` ones.
    func series(_ metric: String, _ extra: [String] = []) -> String {
        metric + "{" + ([matchers].filter { !$0.isEmpty } + extra).joined(separator: ", ") + "}"
    }
}
