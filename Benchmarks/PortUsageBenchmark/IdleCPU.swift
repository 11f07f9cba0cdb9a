#if canImport(Glibc)
    import Glibc
#endif

/// CPU time a process used (user + system), in seconds, from `/proc/<pid>/stat`.
func processCPUSeconds(pid: pid_t) -> Double {
    let text = (try? readSmallFile("/proc/\(pid)/stat")) ?? ""
    // Fields after the command name, which ends at the last ')': utime and stime are fields 14 and 15.
    guard let close = text.lastIndex(of: ")") else { return 0 }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// The share of one core that each of `servers` used while left alone (no scrape) for `seconds`: what the
/// changes collector's background poll costs, beside an exporter that does not poll.
func idleCPUShares(_ servers: [(String, RunningServer)], seconds: UInt32) -> [(String, Double)] {
    let before = servers.map { processCPUSeconds(pid: $0.1.pid) }
    sleep(seconds)
    return zip(servers, before).map { server, start in
        (server.0, (processCPUSeconds(pid: server.1.pid) - start) / Double(seconds))
    }
}
