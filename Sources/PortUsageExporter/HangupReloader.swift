import PortUsageCore
import ServiceLifecycle
import UnixSignals

/// Reloads the policy on SIGHUP until graceful shutdown. Reloads run one at a time on a lane of their own,
/// so a reload stuck on a file never holds up shutdown, a scrape or the next signal's delivery.
struct HangupReloader: Service {
    let policy: PolicyReloader
    private let lane = BlockingLane("hangup-reload")

    init(policy: PolicyReloader) {
        self.policy = policy
    }

    func run() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            lane.submit { [policy] in _ = try? policy.reload() }
        }
    }
}
