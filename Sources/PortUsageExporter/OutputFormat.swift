import ArgumentParser

/// `--output` of `list` and `lookup`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
