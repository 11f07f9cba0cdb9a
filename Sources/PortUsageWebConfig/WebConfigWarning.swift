/// A setting that exporter-toolkit accepts and so does the exporter, but that is weak or that the exporter
/// cannot honour exactly as Go does; logged once at start. `key` names the setting as the file spells it.
public struct WebConfigWarning: Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var line: Int
    public var column: Int
    public var reason: String

    public init(key: String, line: Int, column: Int, reason: String) {
        self.key = key
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line:column: key: reason`.
    public var description: String { "\(line):\(column): \(key): \(reason)" }
}
