#if canImport(Glibc)
    import Glibc
#endif

/// Helper processes that hold a population's client sockets: this machine's hard open-files limit (20,000)
/// is below population b's 100,000 clients, and raising it needs CAP_SYS_RESOURCE. Each helper is this
/// benchmark binary run as `PortUsageBenchmark --hold-clients PLAN FIRST COUNT`: it opens its share of the
/// clients, writes `ready` (or the error) to its standard output, and closes them all when its standard input
/// reaches end of file, that is when the benchmark closes the pipe or exits.
final class ClientHelpers {
    static let flag = "--hold-clients"
    /// Clients per helper, under the hard limit with room for the helper's own descriptors.
    static let clientsPerHelper = 15_000

    private var helpers: [HelperProcess] = []

    /// Starts helpers for clients `0..<connections` of the plan in `planPath` and waits until all are ready.
    init(planPath: String, connections: Int) throws {
        do {
            for first in stride(from: 0, to: connections, by: Self.clientsPerHelper) {
                let count = min(Self.clientsPerHelper, connections - first)
                try start(["/proc/self/exe", Self.flag, planPath, String(first), String(count)])
            }
        } catch {
            stop()
            throw error
        }
    }

    private func start(_ arguments: [String]) throws {
        helpers.append(try HelperProcess.start(arguments))
    }

    /// Ends every helper (each resets its clients) and waits for them.
    func stop() {
        HelperProcess.stop(helpers)
        helpers = []
    }

    /// The helper's side: `arguments` are what follows ``flag``. Never returns.
    static func runHelper(_ arguments: ArraySlice<String>) -> Never {
        let values = Array(arguments)
        do {
            guard values.count == 3, let first = Int(values[1]), let count = Int(values[2]) else {
                throw LoopbackPopulation.Failure(description: "usage: \(flag) PLAN FIRST COUNT")
            }
            try OpenFileLimit.raise(to: count + 64)
            let plan = try ClientPlan(text: readSmallFile(values[0]))
            let clients = try plan.connect(first..<(first + count))
            HelperProcess.answerReadyAndHold()
            for fd in clients { close(fd) }
            exit(0)
        } catch {
            HelperProcess.answer("\(error)\n")
            exit(1)
        }
    }
}
