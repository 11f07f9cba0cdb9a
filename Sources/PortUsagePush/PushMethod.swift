/// How a push replaces the group on the gateway.
public enum PushMethod: String, Sendable, CaseIterable {
    /// Replaces every metric of the group: a socket that closed disappears at the next push.
    case put
    /// Replaces only the metric families pushed; others of the group stay.
    case post

    /// The HTTP method.
    public var httpMethod: String { rawValue.uppercased() }
}
