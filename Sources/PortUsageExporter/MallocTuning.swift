#if canImport(Glibc)
    import Glibc
#endif

/// glibc malloc settings that keep the exporter's resident set small (measured with scripts/bench.sh).
///
/// `<malloc.h>` is not part of the Glibc module, so the two functions are looked up by name; on a libc
/// without them (musl) nothing happens.
enum MallocTuning {
    /// One malloc arena for every thread. glibc gives each thread that allocates an arena of its own (up to
    /// eight a core), and each keeps its freed pages; the exporter allocates little and rarely on several
    /// threads at once, so sharing one costs no measurable time. Call before any thread starts.
    static func shareOneArena() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        if let mallopt = symbol("mallopt", as: Mallopt.self) { _ = mallopt(arenaMax, 1) }
    }

    /// Returns the pages that start-up work freed (decoding the embedded IANA registry makes about 1 MiB of
    /// short-lived strings and arrays) to the kernel, so that they do not stay resident for the process's
    /// life and add to the peak of the first large scrape.
    static func releaseFreedMemory() {
        typealias MallocTrim = @convention(c) (Int) -> Int32
        if let trim = symbol("malloc_trim", as: MallocTrim.self) { _ = trim(0) }
    }

    private static func symbol<Function>(_ name: String, as type: Function.Type) -> Function? {
        #if canImport(Glibc)
            guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
            return unsafeBitCast(address, to: type)
        #else
            return nil
        #endif
    }
}
