/// Typed access to ``YAMLNode``s of one file, with errors at the node's line and column. Shared by the
/// configuration files read with libyaml (the policy file, the web configuration).
public struct YAMLDecoder: Sendable {
    /// The file, as named in errors.
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// An error at `node`'s position.
    public func error(_ node: YAMLNode, _ reason: String) -> YAMLFileError {
        YAMLFileError(file: file, line: node.line, column: node.column, reason: reason)
    }

    /// The entries of a mapping with string keys out of `allowed`, in file order; each key at most once.
    public func mapping(_ node: YAMLNode, allowing allowed: [String]) throws(YAMLFileError) -> [(
        String, YAMLNode
    )] {
        guard case .mapping(let entries) = node.content else {
            throw error(
                node,
                "expected a mapping with keys \(allowed.joined(separator: ", ")), found \(node.kind)")
        }
        var seen: Set<String> = []
        var result: [(String, YAMLNode)] = []
        for (keyNode, value) in entries {
            let key = try scalar(keyNode)
            guard allowed.contains(key) else {
                throw error(
                    keyNode, "unknown key '\(key)'; expected one of \(allowed.joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw error(keyNode, "key '\(key)' given twice") }
            result.append((key, value))
        }
        return result
    }

    /// The items of a list.
    public func sequence(_ node: YAMLNode) throws(YAMLFileError) -> [YAMLNode] {
        guard case .sequence(let items) = node.content else {
            throw error(node, "expected a list, found \(node.kind)")
        }
        return items
    }

    /// The text of a scalar.
    public func scalar(_ node: YAMLNode) throws(YAMLFileError) -> String {
        guard case .scalar(let text, _) = node.content else {
            throw error(node, "expected a scalar, found \(node.kind)")
        }
        return text
    }

    /// A scalar that must be one of `values`' raw values.
    public func oneOf<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, _ values: Value.AllCases, what: String
    )
        throws(YAMLFileError) -> Value where Value.RawValue == String
    {
        let text = try scalar(node)
        guard let value = Value(rawValue: text) else {
            let names = values.map(\.rawValue).joined(separator: ", ")
            throw error(node, "unknown \(what) '\(text)'; expected one of \(names)")
        }
        return value
    }

    /// A boolean as Go's yaml.v2 reads one: YAML 1.1's unquoted true/false, yes/no, on/off and y/n
    /// spellings; a quoted scalar is text, not a boolean.
    public func bool(_ node: YAMLNode) throws(YAMLFileError) -> Bool {
        let text = try scalar(node)
        if case .scalar(_, isPlain: true) = node.content {
            if ["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"].contains(text) {
                return true
            }
            if ["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"].contains(text) {
                return false
            }
        }
        throw error(node, "expected true or false, found '\(text)'")
    }
}
