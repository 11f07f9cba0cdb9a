public import PortUsageCore
public import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A source that returns a fixed snapshot (by default one listener on 768/tcp) after a delay, or only once
/// released, and counts how often it was asked.
public final class CountingSource: SocketSource {
    public let calls = Atomic<Int>(0)
    public let delay: Duration
    public let listeners: FixedListenerSource
    private let held: Atomic<Bool>

    public init(
        delay: Duration = .zero, held: Bool = false, listeners: FixedListenerSource = FixedListenerSource()
    ) {
        self.delay = delay
        self.listeners = listeners
        self.held = Atomic(held)
    }

    /// Lets a held source answer.
    public func release() {
        held.store(false, ordering: .releasing)
    }

    public func kind(for table: SocketTable) -> SocketSourceKind { .procfs }

    public func selectsInKernel(_ table: SocketTable) -> Bool { false }

    /// Waits out the delay (and a hold) and counts the call on the one table it is asked for.
    public func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        calls.add(1, ordering: .relaxed)
        let clock = ContinuousClock()
        let end = clock.now + delay
        while clock.now < end || held.load(ordering: .acquiring) { usleep(1000) }
        return try listeners.read(
            table, selection: selection, deadline: deadline, into: &consumer)
    }
}
