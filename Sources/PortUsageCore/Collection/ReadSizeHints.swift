/// How many listener keys the last read of each kind found: the counter reserves room for as many in the
/// next read of that kind instead of growing its table while counting. (Listening sockets are kept in a
/// ``ChunkedArray``, which needs no reservation.)
struct ReadSizeHints {
    /// A collection's read (scrapes, push, textfile, `list`).
    var scrape = 0
    /// The `changes` collector's poll of the listeners between scrapes, which reads listeners only.
    var poll = 0
}
