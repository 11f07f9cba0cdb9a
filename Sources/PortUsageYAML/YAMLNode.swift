/// A node of a parsed YAML document, with where it starts in the file.
public struct YAMLNode: Sendable {
    /// The node's content.
    public indirect enum Content: Sendable {
        /// A scalar; `isPlain` when it was written without quotes (so `~` or nothing can mean null).
        case scalar(String, isPlain: Bool)
        case sequence([YAMLNode])
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public var content: Content
    /// 1-based line and column of the node's first character.
    public var line: Int
    public var column: Int

    /// Whether the node is YAML 1.1's null as Go's yaml.v2 reads it (an unquoted empty value, `~` or `null`),
    /// which leaves the field it is decoded into at its zero value.
    public var isNull: Bool {
        guard case .scalar(let text, isPlain: true) = content else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// What the node is, for messages: "a scalar", "a list", "a mapping".
    public var kind: String {
        switch content {
        case .scalar: "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
