import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Process signals as asynchronous streams of their names.
enum Signals {
    /// The names of `signals` as they arrive; their default actions are off while the stream lives.
    static func stream(_ signals: [(number: Int32, name: String)]) -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let sources = signals.map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
        let owner = SourceOwner(sources: sources)
        continuation.onTermination = { _ in owner.cancel() }
        return stream
    }

    /// Keeps the signal sources alive as long as their stream, and cancels them when it ends.
    /// `DispatchSource` is thread-safe but not marked `Sendable`; the array is never mutated.
    private final class SourceOwner: @unchecked Sendable {
        private let sources: [any DispatchSourceSignal]

        init(sources: [any DispatchSourceSignal]) {
            self.sources = sources
        }

        func cancel() {
            for source in sources { source.cancel() }
        }
    }

    /// Returns the name of the first SIGTERM or SIGINT.
    static func waitForTermination() async -> String {
        for await name in stream([(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]) { return name }
        return "none"
    }

    /// SIGHUPs, for reloading.
    static func hangups() -> AsyncStream<String> {
        stream([(SIGHUP, "SIGHUP")])
    }
}
