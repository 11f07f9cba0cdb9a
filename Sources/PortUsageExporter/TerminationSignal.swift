import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Waits for SIGTERM or SIGINT.
enum TerminationSignal {
    /// Returns the name of the first termination signal received.
    static func wait() async -> String {
        let signals: [(Int32, String)] = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")]
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let sources = signals.map { number, name in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }
        for await name in stream { return name }
        return "none"
    }
}
