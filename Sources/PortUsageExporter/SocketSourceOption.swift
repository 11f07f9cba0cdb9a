import ArgumentParser
import Logging
import PortUsageCore

/// `--socket.source`: where the socket tables are read.
enum SocketSourceOption: String, ExpressibleByArgument, CaseIterable {
    case auto
    case netlink
    case procfs

    /// The source for this choice. Under `auto`, a `procfs` other than `/proc` means the user pointed at a
    /// tree (a fixture, or a host's `/proc` mounted elsewhere), which only procfs can read; each table
    /// netlink cannot read falls back to procfs, logged once.
    func makeSource(procfs: String, logger: Logger) -> any SocketSource {
        let procfsSource = ProcNetSource(procRoot: procfs)
        switch self {
        case .procfs:
            return procfsSource
        case .netlink:
            return NetlinkSocketSource()
        case .auto:
            guard Self.isDefaultProcfs(procfs) else {
                logger.info(
                    "reading socket tables from procfs, as --path.procfs is not /proc; --socket.source=netlink reads this host's sockets instead",
                    metadata: ["path": "\(procfs)/net"])
                return procfsSource
            }
            return AutoSocketSource(primary: NetlinkSocketSource(), fallback: procfsSource) { table, error in
                var metadata: Logger.Metadata = [
                    "table": "\(table)", "err": "\(error)", "path": "\(procfsSource.path(of: table))",
                ]
                if let advice = FlagAdvice.advice(.tableFailed(table, error)) {
                    metadata["advice"] = "\(advice)"
                }
                logger.warning(
                    "sock_diag cannot read this table; reading it from procfs from now on", metadata: metadata
                )
            }
        }
    }

    private static func isDefaultProcfs(_ path: String) -> Bool {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return trimmed == Substring(HostPaths.standard.procfs)
    }
}
