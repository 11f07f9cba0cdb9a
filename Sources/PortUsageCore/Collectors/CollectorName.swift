/// A collector's name, as in `--collector.<name>` and the `collector` label. The names of the built-in
/// collectors are below; every collector, with its default and summary, is in ``CollectorRegistry``.
public struct CollectorName: RawRepresentable, Hashable, Comparable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.init(rawValue: value) }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public static let listeners: CollectorName = "listeners"
    public static let connections: CollectorName = "connections"
    public static let changes: CollectorName = "changes"
    public static let owners: CollectorName = "owners"
    public static let sockets: CollectorName = "sockets"
    public static let ephemeral: CollectorName = "ephemeral"
    public static let process: CollectorName = "process"
    public static let netns: CollectorName = "netns"
    public static let saturation: CollectorName = "saturation"

    /// Every collector of the standard registry.
    public static var allCases: [CollectorName] { CollectorRegistry.standard.names }

    /// The collectors of the standard registry that run by default.
    public static var defaults: Set<CollectorName> { CollectorRegistry.standard.defaults }
}
