import PortUsageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Maps what the core reports to advice that names this executable's flags.
enum FlagAdvice {
    static let advice: CollectionAdvice = { issue in
        switch issue {
        case .tooManyPorts:
            "raise --collector.listeners.max-ports to give more ports their own series"
        case .malformedInput(_, .procfs):
            "check the socket tables under --path.procfs"
        case .malformedInput(_, .netlink):
            "the kernel's sock_diag replies did not parse; --socket.source=procfs reads /proc instead"
        case .tableFailed(_, .timedOut), .tableFailed(_, .abandoned):
            "the socket tables took longer than the scrape timeout (--web.scrape-timeout, or Prometheus' scrape_timeout)"
        case .tableFailed(_, .file):
            "check --path.procfs"
        case .tableFailed(_, .netlink(_, "socket", let code))
        where code == EAFNOSUPPORT || code == EPERM || code == EACCES:
            "the sandbox refuses netlink sockets: allow AF_NETLINK (systemd RestrictAddressFamilies=, the seccomp profile) or use --socket.source=procfs"
        case .tableFailed:
            nil
        case .tooManyNamespaces:
            "raise --collector.netns.max-namespaces to read them all"
        }
    }
}
