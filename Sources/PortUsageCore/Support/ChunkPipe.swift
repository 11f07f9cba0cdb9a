#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Two buffers passed between a reader thread, which fills them in turn from a file, and the consumer,
/// which takes them in the same order and gives each back when done with it.
final class ChunkPipe: @unchecked Sendable {
    /// The size of each buffer.
    static let chunkSize = 128 * 1024

    private let descriptor: Int32
    private let path: String
    private let limit: Int
    private let buffers: [UnsafeMutableRawBufferPointer]
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `lock`:
    /// The bytes in each buffer; nil while the buffer is free for the reader.
    private var filled: [Int?] = [nil, nil]
    /// The reader has stopped: at the end of the file, or with `failure`.
    private var finished = false
    private var failure: FileReadError?
    /// The consumer is done: the reader stops before its next read.
    private var stopping = false
    /// The buffer the consumer takes next.
    private var next = 0
    /// The reader thread, set once it has started (it never reads this).
    private var reader: JoinableThread?

    private init(descriptor: Int32, path: String, limit: Int) {
        self.descriptor = descriptor
        self.path = path
        self.limit = limit
        buffers = (0..<2).map { _ in
            UnsafeMutableRawBufferPointer.allocate(byteCount: ChunkPipe.chunkSize, alignment: 16)
        }
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        for buffer in buffers { buffer.deallocate() }
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        lock.deallocate()
        changed.deallocate()
    }

    /// A pipe whose reader thread has started reading `descriptor`; nil when no thread could be started.
    static func started(reading descriptor: Int32, path: String, limit: Int) -> ChunkPipe? {
        let pipe = ChunkPipe(descriptor: descriptor, path: path, limit: limit)
        guard let reader = JoinableThread.start({ pipe.read() }) else { return nil }
        pipe.reader = reader
        return pipe
    }

    /// Calls `body` with each chunk in order, then `afterEach`, until the end of the file; throws what
    /// the reader failed with (after the chunks read before) or what `afterEach` throws. The reader has
    /// ended when this returns.
    func forEachChunk(
        _ body: (UnsafeRawBufferPointer) -> Void, afterEach: () throws(FileReadError) -> Void
    ) throws(FileReadError) {
        defer { stop() }
        while let chunk = try nextChunk() {
            body(chunk)
            releaseChunk()
            try afterEach()
        }
    }

    /// The next chunk of the file, waiting for the reader; nil at the end. Throws what the reader failed
    /// with, after the chunks it read before.
    private func nextChunk() throws(FileReadError) -> UnsafeRawBufferPointer? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while filled[next] == nil && !finished { pthread_cond_wait(changed, lock) }
        guard let count = filled[next] else {
            if let failure { throw failure }
            return nil
        }
        return UnsafeRawBufferPointer(rebasing: buffers[next][0..<count])
    }

    /// Gives the buffer of the last chunk taken back to the reader.
    private func releaseChunk() {
        pthread_mutex_lock(lock)
        filled[next] = nil
        next ^= 1
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
    }

    /// Tells the reader to stop and waits for it: after the end, an error or the deadline.
    private func stop() {
        pthread_mutex_lock(lock)
        stopping = true
        pthread_cond_broadcast(changed)
        pthread_mutex_unlock(lock)
        reader?.join()
    }

    /// The reader thread: fills the free buffers in turn until the end of the file, an error, or `stop`.
    /// A buffer is filled whole before it is handed over: a procfs table gives about a page a `read`, and
    /// handing over each page cost more in thread wake-ups than the parsing it moved.
    private func read() {
        var total = 0
        var index = 0
        while true {
            pthread_mutex_lock(lock)
            while filled[index] != nil && !stopping { pthread_cond_wait(changed, lock) }
            let stop = stopping
            pthread_mutex_unlock(lock)
            if stop { return }
            var count = 0
            var ended = false
            var error: FileReadError?
            do {
                while count < buffers[index].count && !ended {
                    let space = UnsafeMutableRawBufferPointer(rebasing: buffers[index][count...])
                    let read = try FileReader.readChunk(
                        descriptor, into: space, path: path, total: &total, limit: limit)
                    count += read
                    ended = read == 0
                }
            } catch let failed {
                error = failed
            }
            pthread_mutex_lock(lock)
            // The bytes read before an error are given too, as an in-line read would have.
            if count > 0 { filled[index] = count }
            failure = error
            finished = ended || error != nil
            let done = finished
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(lock)
            if done { return }
            index ^= 1
        }
    }
}
