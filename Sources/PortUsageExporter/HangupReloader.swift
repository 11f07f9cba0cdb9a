import Dispatch
import ServiceLifecycle
import UnixSignals

/// Reloads the policy on SIGHUP until graceful shutdown. Reloads run one at a time on their own queue,
/// so a reload stuck on a file never holds up shutdown, a scrape or the next signal's delivery.
struct HangupReloader: Service {
    let policy: PolicyReloader
    private let queue = DispatchQueue(label: "port_usage_exporter.reload")

    init(policy: PolicyReloader) {
        self.policy = policy
    }

    func run() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            queue.async { [policy] in try? policy.reload() }
        }
    }
}
