extension StringProtocol {
    /// The text without the trailing characters that satisfy `predicate`.
    public func droppingSuffix(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex {
            let previous = index(before: end)
            guard predicate(self[previous]) else { break }
            end = previous
        }
        return String(self[..<end])
    }

    /// The text without leading and trailing whitespace.
    public var trimmingWhitespace: String {
        drop(while: \.isWhitespace).droppingSuffix(while: \.isWhitespace)
    }
}
