import Synchronization

/// Counts requests in progress against `--web.max-requests`, as node_exporter does.
final class RequestLimiter: Sendable {
    /// The most requests at once; 0 means no limit.
    let limit: Int
    private let inProgress = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Takes a slot; false when all are taken (answer 503).
    func enter() -> Bool {
        let now = inProgress.wrappingAdd(1, ordering: .relaxed).newValue
        guard limit == 0 || now <= limit else {
            inProgress.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    /// Gives a slot back.
    func leave() {
        inProgress.wrappingSubtract(1, ordering: .relaxed)
    }
}
