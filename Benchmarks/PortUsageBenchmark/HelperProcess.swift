#if canImport(Glibc)
    import Glibc
#endif

/// A helper process that holds sockets for the benchmark: started with its standard input and output on
/// pipes, it writes `ready` (or the error) when its sockets are open, and ends when its standard input
/// reaches end of file, that is when the benchmark closes the pipe or exits.
struct HelperProcess {
    let pid: pid_t
    /// The write end of the helper's standard input.
    let input: Int32

    /// Starts `arguments` and waits until the helper answers `ready`.
    static func start(_ arguments: [String]) throws -> HelperProcess {
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
            throw LoopbackPopulation.Failure(description: "cannot start \(arguments[0]): error \(spawned)")
        }
        let helper = HelperProcess(pid: pid, input: input[1])
        var answer = [UInt8](repeating: 0, count: 512)
        let count = read(output[0], &answer, answer.count)
        let text = String(decoding: answer[0..<max(0, count)], as: UTF8.self)
        guard text == "ready\n" else {
            stop([helper])
            throw LoopbackPopulation.Failure(description: "helper: \(text.isEmpty ? "exited" : text)")
        }
        return helper
    }

    /// Ends `helpers` (closes their input) and waits for them.
    static func stop(_ helpers: [HelperProcess]) {
        for helper in helpers { close(helper.input) }
        for helper in helpers {
            var status: Int32 = 0
            waitpid(helper.pid, &status, 0)
        }
    }

    /// The helper's side: says `ready` and waits for the end of its standard input.
    static func answerReadyAndHold() {
        answer("ready\n")
        var byte: UInt8 = 0
        while read(0, &byte, 1) > 0 {}
    }

    /// Writes `text` to standard output, for the benchmark.
    static func answer(_ text: String) {
        let bytes = Array(text.utf8)
        _ = write(1, bytes, bytes.count)
    }
}
