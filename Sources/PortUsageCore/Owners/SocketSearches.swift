/// The socket inodes the owners walk is searching for, each since the walk position where its search began:
/// one that a whole round of the processes from there did not find is held by no process that could be
/// read.
///
/// Searches that began together (every inode new to one lookup) share one round, which holds where the
/// walk was and the unreadable processes so far; each inode keeps only its round's number, so a host with
/// tens of thousands of listeners costs 16 bytes a search.
struct SocketSearches: Sendable {
    /// Where a round of searches began.
    struct Search: Sendable, Equatable {
        /// Where the walk was when the search began.
        var start: WalkPosition
        /// The processes found unreadable before it began, of the walk's running total.
        var deniedBefore: Int
    }

    private struct Round {
        var number: Int
        var search: Search
        var inodes: [UInt64]
    }

    /// The number of the round each inode's search belongs to.
    private var roundOf: [UInt64: Int] = [:]
    /// The rounds in walk order (positions only move forward), so the rounds that end are found at the
    /// front; inodes found since, or searched for again in a later round, are skipped when a round ends.
    private var rounds: [Round] = []
    private var nextRound = 0

    var isEmpty: Bool { roundOf.isEmpty }

    func contains(_ inode: UInt64) -> Bool { roundOf[inode] != nil }

    /// Starts searching for `inode` from `position`.
    mutating func start(_ inode: UInt64, at position: WalkPosition, deniedBefore: Int) {
        let search = Search(start: position, deniedBefore: deniedBefore)
        if rounds.last?.search != search {
            rounds.append(Round(number: nextRound, search: search, inodes: []))
            nextRound += 1
        }
        rounds[rounds.count - 1].inodes.append(inode)
        roundOf[inode] = rounds[rounds.count - 1].number
    }

    /// Ends the search for `inode` (found, or no longer wanted).
    mutating func remove(_ inode: UInt64) {
        roundOf.removeValue(forKey: inode)
        if roundOf.isEmpty { rounds.removeAll() }
    }

    /// Ends the searches for inodes that are not in `wanted`.
    mutating func keep(only wanted: Set<UInt64>) {
        for inode in roundOf.keys where !wanted.contains(inode) { remove(inode) }
    }

    /// Ends and returns the searches whose round of the processes was completed at `position`.
    mutating func completed(at position: WalkPosition) -> [(inode: UInt64, search: Search)] {
        var ended: [(inode: UInt64, search: Search)] = []
        while let round = rounds.first, position.hasCompletedRound(since: round.search.start) {
            rounds.removeFirst()
            for inode in round.inodes where roundOf[inode] == round.number {
                roundOf.removeValue(forKey: inode)
                ended.append((inode, round.search))
            }
        }
        return ended
    }
}
