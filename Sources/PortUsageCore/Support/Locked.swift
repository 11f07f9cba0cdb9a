#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A value behind a POSIX mutex: the lock of the exporter's shared state.
///
/// Not the standard library's `Mutex`: on Linux it hands a contended lock from one thread to the next
/// inside the kernel (priority-inheritance futexes), where ThreadSanitizer cannot see the hand-over, so any
/// contended lock was reported as a data race, at random, in the sanitizer run. The sanitizer intercepts
/// `pthread_mutex_lock`, and the cost is the same for the exporter's short critical sections.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    private var value: Value
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init(_ value: consuming Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result)
        throws(Failure) -> Result
    {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
