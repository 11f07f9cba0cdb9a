#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-files limit (`RLIMIT_NOFILE`).
enum OpenFileLimit {
    /// Raises the soft limit to at least `needed`, and the hard limit too when that is lower (root may).
    static func raise(to needed: Int) throws {
        var limit = rlimit()
        getrlimit(resource, &limit)
        let wanted = rlim_t(needed)
        guard limit.rlim_cur < wanted else { return }
        var raised = rlimit(rlim_cur: wanted, rlim_max: max(wanted, limit.rlim_max))
        if setrlimit(resource, &raised) == 0 { return }
        guard limit.rlim_max >= wanted else {
            throw LoopbackPopulation.Failure(
                description: "need \(needed) open files, the hard limit is \(limit.rlim_max) (ulimit -Hn)")
        }
        limit.rlim_cur = wanted
        setrlimit(resource, &limit)
    }

    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
}
