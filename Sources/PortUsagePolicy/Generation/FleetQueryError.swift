/// Why a fleet's listeners could not be read from Prometheus: one line for the user.
public struct FleetQueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
