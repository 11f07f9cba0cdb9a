import ArgumentParser
import PortUsageCore

/// Parses a positive duration flag value (`30s`, `1m30s`, `500ms`) for `transform:`.
func positiveDuration(_ text: String) throws -> Duration {
    let duration = try PrometheusDuration.parse(text)
    guard duration > .zero else { throw ValidationError("must be more than 0, got '\(text)'") }
    return duration
}
