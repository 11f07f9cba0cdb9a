import Logging
import NIOConcurrencyHelpers
import NIOCore

/// The server's open client connections, what each is doing, and which to close when they run short.
///
/// A connection is idle when it waits for a request and has sent no byte of it, partial when it has sent
/// part of a request, and busy from a complete request until its response is written. When a new
/// connection would pass the limit, the oldest idle connection is closed, else the oldest partial one;
/// busy connections are never closed for room. When every connection is busy, the new one is refused.
final class ConnectionTracker: Sendable {
    /// What a connection is doing, for choosing which to close.
    enum Phase: Int, Comparable {
        case idle, partial, busy

        static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    private struct Entry {
        var channel: any Channel
        var phase: Phase
        var since: NIODeadline
    }

    private let limit: Int
    private let entries = NIOLockedValueBox<[ObjectIdentifier: Entry]>([:])
    private let shortage: RateLimitedLog

    init(limit: Int, logger: Logger) {
        self.limit = limit
        shortage = RateLimitedLog(logger: logger)
    }

    /// How many connections are open.
    var count: Int { entries.withLockedValue { $0.count } }

    /// Admits `channel`, closing the oldest idle (or partial) connection when the limit is reached;
    /// false when every open connection is busy and the caller must close `channel`.
    func admit(_ channel: any Channel) -> Bool {
        let (admitted, evicted) = entries.withLockedValue { entries in
            var evicted: (any Channel)?
            if entries.count >= limit {
                guard let victim = Self.oldestEvictable(in: entries) else { return (false, evicted) }
                evicted = entries.removeValue(forKey: victim)?.channel
            }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, phase: .idle, since: .now())
            return (true, evicted)
        }
        if let evicted {
            shortage.warning(
                "connection limit reached; closing the oldest idle connection",
                metadata: ["limit": "\(limit)", "flag": "--web.max-connections"])
            evicted.close(promise: nil)
        } else if !admitted {
            shortage.warning(
                "connection limit reached and every connection is busy; refusing a connection",
                metadata: ["limit": "\(limit)", "flag": "--web.max-connections"])
        }
        return admitted
    }

    /// Closes the oldest idle (or partial) connection to free a descriptor; false when there is none.
    @discardableResult
    func evictOldest() -> Bool {
        let victim = entries.withLockedValue { entries in
            Self.oldestEvictable(in: entries).flatMap { entries.removeValue(forKey: $0)?.channel }
        }
        victim?.close(promise: nil)
        return victim != nil
    }

    /// Records what `channel` is doing now.
    func update(_ channel: any Channel, to phase: Phase) {
        entries.withLockedValue { entries in
            entries[ObjectIdentifier(channel)]?.phase = phase
            entries[ObjectIdentifier(channel)]?.since = .now()
        }
    }

    /// Forgets a closed connection.
    func remove(_ channel: any Channel) {
        _ = entries.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// How many connections are busy with a request.
    var busyCount: Int { entries.withLockedValue { $0.values.count { $0.phase == .busy } } }

    /// Closes the connections that are not busy, or all of them (at shutdown).
    func close(includingBusy: Bool) {
        let channels = entries.withLockedValue { entries in
            let closing = entries.filter { includingBusy || $0.value.phase != .busy }
            for key in closing.keys { entries.removeValue(forKey: key) }
            return closing.values.map(\.channel)
        }
        for channel in channels { channel.close(promise: nil) }
    }

    private static func oldestEvictable(in entries: [ObjectIdentifier: Entry]) -> ObjectIdentifier? {
        entries.filter { $0.value.phase != .busy }
            .min { ($0.value.phase, $0.value.since) < ($1.value.phase, $1.value.since) }?.key
    }
}
