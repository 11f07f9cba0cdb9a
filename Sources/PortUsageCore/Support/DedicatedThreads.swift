#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A thread of its own (a POSIX thread, not one of the Swift runtime's pool or of NIO), started with
/// work to run and joined once.
struct JoinableThread {
    private let thread: pthread_t

    /// Starts a thread that runs `work`; nil when none could be started.
    static func start(_ work: @escaping () -> Void) -> JoinableThread? {
        let box = Unmanaged.passRetained(ThreadWork(work))
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<ThreadWork>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, box.toOpaque())
        guard started == 0 else {
            box.release()
            return nil
        }
        return JoinableThread(thread: thread)
    }

    /// Waits for the thread to end.
    func join() {
        pthread_join(thread, nil)
    }
}

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
        JoinableThread.start { result = body() }?.join()
    }
    return result
}

/// Runs `body` for each element, side by side: each on a thread of its own but the first, which runs on
/// the calling thread (as does an element whose thread cannot be started), and returns the results in
/// the order of `elements` once all have ended.
func sideBySide<Element, Value>(_ elements: [Element], _ body: (Element) -> Value) -> [Value] {
    guard elements.count > 1 else { return elements.map(body) }
    let results = UnsafeMutableBufferPointer<Value?>.allocate(capacity: elements.count)
    results.initialize(repeating: nil)
    defer {
        results.deinitialize()
        results.deallocate()
    }
    withoutActuallyEscaping(body) { body in
        let threads = elements.indices.dropFirst().map { index in
            JoinableThread.start { results[index] = body(elements[index]) }
        }
        results[0] = body(elements[0])
        for (index, thread) in zip(elements.indices.dropFirst(), threads) {
            if let thread { thread.join() } else { results[index] = body(elements[index]) }
        }
    }
    return results.map { $0! }
}
