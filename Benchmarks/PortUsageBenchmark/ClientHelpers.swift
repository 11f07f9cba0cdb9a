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

    private var helpers: [(pid: pid_t, input: Int32)] = []

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
        var input: [Int32] = [-1, -1]
        var output: [Int32] = [-1, -1]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw LoopbackPopulation.Failure(description: "pipe: errno \(errno)")
        }
        // Close-on-exec, so that no later helper holds this one's input open (pipe2 is not imported).
        for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ)
        close(input[0])
        close(output[1])
        defer { close(output[0]) }
        guard spawned == 0 else {
            close(input[1])
            throw LoopbackPopulation.Failure(description: "cannot start a client helper: error \(spawned)")
        }
        helpers.append((pid, input[1]))
        var answer = [UInt8](repeating: 0, count: 512)
        let count = read(output[0], &answer, answer.count)
        let text = String(decoding: answer[0..<max(0, count)], as: UTF8.self)
        guard text == "ready\n" else {
            throw LoopbackPopulation.Failure(description: "client helper: \(text.isEmpty ? "exited" : text)")
        }
    }

    /// Ends every helper (each resets its clients) and waits for them.
    func stop() {
        for helper in helpers { close(helper.input) }
        for helper in helpers {
            var status: Int32 = 0
            waitpid(helper.pid, &status, 0)
        }
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
            answer("ready\n")
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            for fd in clients { close(fd) }
            exit(0)
        } catch {
            answer("\(error)\n")
            exit(1)
        }
    }

    private static func answer(_ text: String) {
        let bytes = Array(text.utf8)
        _ = write(1, bytes, bytes.count)
    }
}
