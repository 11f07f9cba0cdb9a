#if canImport(Glibc)
    import Glibc
#endif

/// Timing of repeated runs of one piece of work.
struct Timing {
    var samples: [Double]

    var median: Double { samples.sorted()[samples.count / 2] }
    var minimum: Double { samples.min() ?? 0 }

    /// Runs every piece of work `warmup` times unmeasured, then `runs` rounds in which each runs once, so
    /// that all of them see the same machine (page cache, other load, sockets coming and going). Each round
    /// starts one place further along, so no piece always follows the same other piece: what one leaves
    /// behind in the kernel (a process exit, a large /proc walk) is spread evenly over all of them.
    static func interleaved(runs: Int, warmup: Int = 3, _ works: [() throws -> Void]) throws -> [Timing] {
        for _ in 0..<warmup {
            for work in works { try work() }
        }
        let clock = ContinuousClock()
        var timings = Array(repeating: Timing(samples: []), count: works.count)
        for round in 0..<runs {
            for step in works.indices {
                let index = (round + step) % works.count
                let start = clock.now
                try works[index]()
                timings[index].samples.append((clock.now - start).seconds)
            }
        }
        return timings
    }
}

/// Runs a program with its output discarded and waits for it.
enum Subprocess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program to completion with its output discarded.
    static func run(_ arguments: [String]) throws {
        try wait(for: spawn(arguments, standardError: "/dev/null", errorFlags: O_WRONLY), arguments)
    }

    /// Runs a program to completion and returns its standard output (and standard error).
    static func output(_ arguments: [String]) throws -> String {
        let path = "/tmp/port-usage-bench-output-\(getpid())"
        defer { unlink(path) }
        let flags = O_WRONLY | O_CREAT | O_TRUNC
        try wait(
            for: spawn(arguments, standardOutput: path, standardError: path, errorFlags: flags), arguments)
        return try readSmallFile(path)
    }

    /// Starts a program in the background with its standard error going to `logPath`.
    static func start(_ arguments: [String], logPath: String) throws -> pid_t {
        try spawn(arguments, standardError: logPath, errorFlags: O_WRONLY | O_CREAT | O_TRUNC)
    }

    private static func wait(for pid: pid_t, _ arguments: [String]) throws {
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else {
            throw Failure(description: "\(arguments.joined(separator: " ")) exited with \(status)")
        }
    }

    private static func spawn(
        _ arguments: [String], standardOutput: String = "/dev/null", standardError: String, errorFlags: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, errorFlags | O_WRONLY, 0o644)
        if standardError == standardOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, standardError, errorFlags, 0o644)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(arguments[0]): error \(spawned)") }
        return pid
    }
}

func formatMilliseconds(_ seconds: Double) -> String {
    let milliseconds = (seconds * 1000 * 1000).rounded() / 1000
    return "\(milliseconds) ms"
}

func formatRatio(_ value: Double) -> String {
    "\((value * 100).rounded() / 100)x"
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
