public import Logging
import Synchronization

/// Logs what is said about a subject (a table, a collector, a setting) once, and again only when what is
/// said changes: a bad input seen on every scrape is one log line, not one a scrape.
public final class RepeatSuppressingLog: Sendable {
    public let logger: Logger
    private let lastSaid = Locked<[String: String]>([:])

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Logs `message` with `metadata` at `level` unless it is what was last logged about `subject`. What is
    /// compared is `fingerprint` when given (leave out what changes without news, such as a count), else the
    /// message and metadata.
    public func log(
        _ level: Logger.Level, _ message: String, about subject: String, fingerprint: String? = nil,
        metadata: Logger.Metadata = [:]
    ) {
        let text =
            fingerprint ?? message
            + metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        let isNew = lastSaid.withLock { said in
            guard said[subject] != text else { return false }
            said[subject] = text
            return true
        }
        if isNew { logger.log(level: level, "\(message)", metadata: metadata) }
    }

    /// Forgets what was said about `subject`: the problem is gone, and if it comes back it is logged again.
    public func clear(_ subject: String) {
        _ = lastSaid.withLock { $0.removeValue(forKey: subject) }
    }
}
