/// The socket inodes the owners walk is searching for, each since the walk position where its search began:
/// one that a whole round of the processes from there did not find is held by no process that could be
/// read.
struct SocketSearches: Sendable {
    /// One search.
    struct Search: Sendable, Equatable {
        /// Where the walk was when the search began.
        var start: WalkPosition
        /// The processes found unreadable before it began, of the walk's running total.
        var deniedBefore: Int
    }

    private var searches: [UInt64: Search] = [:]
    /// The inodes by the position where their search began, in walk order (positions only move forward),
    /// so the rounds that end are found at the front; inodes found since are skipped when a round ends.
    private var rounds: [(start: WalkPosition, inodes: [UInt64])] = []

    var isEmpty: Bool { searches.isEmpty }

    func contains(_ inode: UInt64) -> Bool { searches[inode] != nil }

    /// Starts searching for `inode` from `position`.
    mutating func start(_ inode: UInt64, at position: WalkPosition, deniedBefore: Int) {
        searches[inode] = Search(start: position, deniedBefore: deniedBefore)
        if rounds.last?.start == position {
            rounds[rounds.count - 1].inodes.append(inode)
        } else {
            rounds.append((position, [inode]))
        }
    }

    /// Ends the search for `inode` (found, or no longer wanted).
    mutating func remove(_ inode: UInt64) {
        searches.removeValue(forKey: inode)
        if searches.isEmpty { rounds.removeAll() }
    }

    /// Ends the searches for inodes that are not in `wanted`.
    mutating func keep(only wanted: Set<UInt64>) {
        for inode in searches.keys where !wanted.contains(inode) { remove(inode) }
    }

    /// Ends and returns the searches whose round of the processes was completed at `position`.
    mutating func completed(at position: WalkPosition) -> [(inode: UInt64, search: Search)] {
        var ended: [(inode: UInt64, search: Search)] = []
        while let round = rounds.first, position.hasCompletedRound(since: round.start) {
            rounds.removeFirst()
            for inode in round.inodes {
                guard let search = searches[inode], search.start == round.start else { continue }
                searches.removeValue(forKey: inode)
                ended.append((inode, search))
            }
        }
        return ended
    }
}
