/// A push or delete that did not succeed after all its attempts.
public struct PushError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
