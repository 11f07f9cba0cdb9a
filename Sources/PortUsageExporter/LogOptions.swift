import ArgumentParser
import Logging

/// `--log.level`: the least severe level that is written.
enum LogLevelOption: String, ExpressibleByArgument, CaseIterable {
    case debug, info, warn, error

    var level: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .warn: .warning
        case .error: .error
        }
    }
}

/// `--log.format`: how each log line is written to standard error.
enum LogFormatOption: String, ExpressibleByArgument, CaseIterable {
    case logfmt, json
}
