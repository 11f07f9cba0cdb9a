/// Socket inodes that a whole round of the processes found held by none of them, remembered so that each
/// lookup does not walk every process again for them: a listener can live only in an unreceived
/// `SCM_RIGHTS` message, which any local user can make, or be held only by processes that cannot be read.
///
/// Each is searched for again after a backoff counted in lookups (``firstRetry``, doubling to
/// ``lastRetry``): a process may receive the descriptor later, and it is then the owner. The retries are
/// paced by lookups rather than by changes in the processes because on a busy host processes start every
/// second, which would make every lookup a retry. Only listening inodes are kept (``keep(only:)``), and at
/// most ``capacity``: one past it is searched for on every lookup, within the walk's budget.
struct UnownedInodes: Sendable {
    /// What the last round that searched for an inode found.
    struct Verdict: Sendable, Equatable {
        /// Some processes could not be read during that round (permission denied).
        var deniedDuringSearch: Bool
        /// The rounds in a row that did not find it.
        var misses: Int
        /// The lookup from which it is searched for again.
        var retryAt: Int
    }

    /// The most inodes remembered.
    static let capacity = 65_536
    /// The lookups after which an inode not found is first searched for again.
    static let firstRetry = 16
    /// The longest backoff, in lookups.
    static let lastRetry = 256

    private var verdicts: [UInt64: Verdict] = [:]

    /// The verdict on `inode`, if it is remembered.
    subscript(inode: UInt64) -> Verdict? { verdicts[inode] }

    /// Whether `inode` is to be searched for at lookup `lookup`: not remembered, or due for a retry.
    func isDue(_ inode: UInt64, at lookup: Int) -> Bool {
        verdicts[inode].map { $0.retryAt <= lookup } ?? true
    }

    /// Forgets the inodes that are not in `wanted` (no longer listening).
    mutating func keep(only wanted: Set<UInt64>) {
        if verdicts.keys.contains(where: { !wanted.contains($0) }) {
            verdicts = verdicts.filter { wanted.contains($0.key) }
        }
    }

    /// A round ending at lookup `lookup` did not find `inode`; it backs off one step further.
    mutating func notFound(_ inode: UInt64, deniedDuringSearch: Bool, at lookup: Int) {
        let misses = verdicts[inode].map { $0.misses + 1 } ?? 1
        guard verdicts[inode] != nil || verdicts.count < Self.capacity else { return }
        // The shift is bounded (misses past 4 give lastRetry anyway), so it cannot overflow.
        let backoff = min(Self.firstRetry << min(misses - 1, 4), Self.lastRetry)
        verdicts[inode] = Verdict(
            deniedDuringSearch: deniedDuringSearch, misses: misses, retryAt: lookup + backoff)
    }

    /// A process holds `inode`.
    mutating func found(_ inode: UInt64) {
        verdicts.removeValue(forKey: inode)
    }
}
