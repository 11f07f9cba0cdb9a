import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process's open-files limit (`RLIMIT_NOFILE`), which bounds how many connections can be served.
enum OpenFilesLimit {
    /// Raises the soft limit to the hard limit, as Go programs do at start, and returns the soft limit in
    /// force. Where raising is refused (a seccomp filter, `EPERM`), the limit as it is serves.
    static func raise(logger: Logger) -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 {
                limit = raised
            } else {
                logger.info(
                    "could not raise the open-files limit; connections are capped to fit the current one",
                    metadata: [
                        "soft": "\(limit.rlim_cur)", "hard": "\(limit.rlim_max)",
                        "err": "\(String(cString: strerror(errno)))",
                    ])
            }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
