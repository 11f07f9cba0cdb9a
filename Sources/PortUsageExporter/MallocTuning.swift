#if canImport(Glibc)
    import Glibc
#endif

/// glibc malloc settings that keep the exporter's resident set small (measured with scripts/bench.sh).
///
/// `<malloc.h>` is not part of the Glibc module, so the two functions are looked up by name; on a libc
/// without them (musl) nothing happens.
enum MallocTuning {
    /// Applies two settings; call before any thread starts.
    ///
    /// - One malloc arena for every thread. glibc gives each thread that allocates an arena of its own (up
    ///   to eight a core), and each keeps its freed pages; the exporter allocates little and rarely on
    ///   several threads at once, so sharing one costs no measurable time.
    /// - A fixed mmap threshold of 32 KiB. glibc starts at 128 KiB and raises the threshold to the size of
    ///   every mapped block freed (up to 32 MiB), after which the dictionaries and buffers of a scrape at
    ///   200,000 sockets come from the heap and their pages stay resident after the scrape; mapped, they go
    ///   back to the kernel when freed. 32 KiB rather than 128 also maps the tables of a few thousand
    ///   listeners (RssAnon between scrapes at population c: 10.1 -> 7.9 MiB).
    static func apply() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let mallopt = symbol("mallopt", as: Mallopt.self) else { return }
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = mallopt(arenaMax, 1)
        _ = mallopt(mmapThreshold, 32 * 1024)
    }

    /// Returns the pages that freed memory holds to the kernel: after start-up (decoding the embedded IANA
    /// registry makes about 1 MiB of short-lived strings and arrays), so that they do not stay resident for
    /// the process's life and add to the peak of the first large scrape, and as each collection starts
    /// (``PortUsageCollector``), so that its peak does not hold the pages of the collections before it.
    @Sendable static func releaseFreedMemory() {
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
