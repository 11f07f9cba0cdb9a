/// A flag or file setting that cannot be used, with the reason, for a one-line error at start.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
