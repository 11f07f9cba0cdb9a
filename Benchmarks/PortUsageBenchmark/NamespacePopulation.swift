#if canImport(Glibc)
    import Glibc
#endif

/// Network namespaces of their own, each with TCP listeners on 0.0.0.0 (as pods listen), for the netns
/// collector. Each namespace is a helper process, this benchmark binary started through `unshare --net`
/// (which needs root) as `PortUsageBenchmark --hold-namespace-listeners COUNT`: it listens on ports
/// 30000 up, says `ready`, and ends (its namespace with it) when its standard input reaches end of file.
final class NamespacePopulation {
    static let flag = "--hold-namespace-listeners"
    static let unshare = "/usr/bin/unshare"
    static let firstPort: UInt16 = 30000

    let namespaces: Int
    let listenersPerNamespace: Int
    private var helpers: [HelperProcess] = []

    /// Why the population cannot be opened here, or nil.
    static var unavailableReason: String? {
        if geteuid() != 0 { return "creating network namespaces needs root" }
        if access(unshare, X_OK) != 0 { return "\(unshare) (Debian package util-linux) is missing" }
        return nil
    }

    init(namespaces: Int, listenersPerNamespace: Int) throws {
        self.namespaces = namespaces
        self.listenersPerNamespace = listenersPerNamespace
        var path = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/exe", &path, path.count - 1)
        guard length > 0 else { throw LoopbackPopulation.Failure(description: "readlink /proc/self/exe") }
        let benchmark = String(decoding: path[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            for _ in 0..<namespaces {
                helpers.append(
                    try HelperProcess.start([
                        Self.unshare, "--net", benchmark, Self.flag, String(listenersPerNamespace),
                    ]))
            }
        } catch {
            close()
            throw error
        }
    }

    /// Ends every helper, and with each its namespace.
    func close() {
        HelperProcess.stop(helpers)
        helpers = []
    }

    var summary: String {
        "\(namespaces) network namespaces of \(listenersPerNamespace) TCP listeners each"
    }

    /// The helper's side, inside its new namespace: `arguments` are what follows ``flag``. Never returns.
    static func runHelper(_ arguments: ArraySlice<String>) -> Never {
        guard arguments.count == 1, let count = Int(arguments.first!), count > 0, count < 1000 else {
            HelperProcess.answer("usage: \(flag) COUNT\n")
            exit(1)
        }
        var listeners: [Int32] = []
        for index in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = (firstPort + UInt16(index)).bigEndian
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard fd >= 0, bound == 0, listen(fd, 16) == 0 else {
                HelperProcess.answer("listener \(index): errno \(errno)\n")
                exit(1)
            }
            listeners.append(fd)
        }
        HelperProcess.answerReadyAndHold()
        exit(0)
    }
}
