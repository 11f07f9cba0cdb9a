/// How many listener keys and listening sockets the last read of each kind found: the counter reserves
/// room for as many in the next read of that kind instead of growing its tables while counting.
struct ReadSizeHints {
    struct Size {
        var keys = 0
        var sockets = 0
    }

    /// A collection's read (scrapes, push, textfile, `list`).
    var scrape = Size()
    /// The `changes` collector's poll of the listeners between scrapes, which keeps no listening sockets.
    var poll = Size()
}
