#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Work handed to a new thread.
private final class ThreadWork: @unchecked Sendable {
    let run: () -> Void

    init(_ run: @escaping () -> Void) {
        self.run = run
    }
}

/// Runs `body` on a new thread of its own and waits for it to end: for work that changes what belongs to
/// a thread (its network namespace, with `setns`), which must never happen on a thread of the Swift
/// runtime's pool or of NIO. Returns nil when no thread could be started.
func onDedicatedThread<Value>(_ body: () -> Value) -> Value? {
    var result: Value?
    withoutActuallyEscaping(body) { body in
        let work = Unmanaged.passRetained(ThreadWork { result = body() })
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, work.toOpaque())
        guard started == 0 else {
            work.release()
            return
        }
        pthread_join(thread, nil)
    }
    return result
}
