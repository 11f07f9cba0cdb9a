/// Where the owners walk is in its round of the processes: the walk visits processes from the highest pid
/// (the newest, roughly) down, then starts a new lap from the top, so a walk that stops early (budget,
/// deadline) resumes where it stopped and every process is eventually visited.
struct WalkPosition: Sendable, Equatable {
    /// The rounds started so far.
    var lap = 0
    /// Every process with a pid at or above this one has been visited in this lap.
    var below = Int.max
    /// The last descriptor read of the process `below - 1`, when the walk stopped inside it: the walk
    /// resumes with the descriptors after it.
    var resumeAfter: Int?

    /// The descriptor after which process `pid`, the next visited, is read; nil to read it all.
    func firstDescriptor(of pid: Int) -> Int? {
        pid == below - 1 ? resumeAfter : nil
    }

    /// Process `pid` was read to its end.
    mutating func finished(_ pid: Int) {
        below = pid
        resumeAfter = nil
    }

    /// Process `pid` was read up to descriptor `descriptor`, and the walk stopped there.
    mutating func stopped(in pid: Int, after descriptor: Int) {
        below = pid + 1
        resumeAfter = descriptor
    }

    /// Every process was visited: the next lap starts from the top.
    mutating func startLap() {
        self = WalkPosition(lap: lap + 1)
    }

    /// Whether every process was visited at least once since the walk was at `start`: the rest of the lap
    /// of `start`, then the next lap down to where `start` was.
    func hasCompletedRound(since start: WalkPosition) -> Bool {
        var end = start
        end.lap += 1
        return progress >= end.progress
    }

    /// How far the walk has gone, ordered: lap, then pids downward, then descriptors upward.
    private var progress: (Int, Int, Int) { (lap, -below, resumeAfter ?? -1) }
}
