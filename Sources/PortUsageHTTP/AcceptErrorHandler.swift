import Logging
import NIOCore
import NIOPosix

/// Sees the listening socket's accept errors. When the process runs out of descriptors (EMFILE, ENFILE)
/// or the kernel of memory, accepting pauses briefly instead of spinning (``backoff``), the condition is
/// logged at most every ten seconds, and the oldest idle connection is closed so that the next scrape
/// finds a descriptor.
final class AcceptErrorHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let tracker: ConnectionTracker
    private let log: RateLimitedLog

    init(tracker: ConnectionTracker, logger: Logger) {
        self.tracker = tracker
        log = RateLimitedLog(logger: logger)
    }

    /// How long to stop accepting after an accept error.
    static func backoff(_ error: IOError) -> TimeAmount? {
        switch error.errnoCode {
        case EMFILE, ENFILE, ENOBUFS, ENOMEM: .milliseconds(100)
        default: .milliseconds(10)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let freed = tracker.evictOldest()
        log.warning(
            "cannot accept connections; pausing accept",
            metadata: [
                "err": "\(error)", "open_connections": "\(tracker.count)",
                "closed_idle_connection": "\(freed)",
                "hint": "raise the open-files limit (LimitNOFILE=, ulimit -n) or lower --web.max-connections",
            ])
    }
}
