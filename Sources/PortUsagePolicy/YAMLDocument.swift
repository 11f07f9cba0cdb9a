import CYAML

/// Reads one YAML document with libyaml into ``YAMLNode``s.
///
/// Aliases are followed, within bounds: a document that nests deeper than ``maxDepth`` or expands to more
/// than ``maxNodes`` nodes (an alias bomb) is refused rather than walked.
public enum YAMLDocument {
    public static let maxDepth = 64
    public static let maxNodes = 100_000

    /// The root node of the first document in `bytes`, or nil when there is none (an empty file).
    /// `file` only names the file in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(PolicyFileError) -> YAMLNode? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw PolicyFileError(file: file, line: 0, column: 0, reason: "libyaml could not be initialised")
        }
        defer { yaml_parser_delete(&parser) }
        var document = yaml_document_t()
        let loaded = bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return yaml_parser_load(&parser, &document)
        }
        guard loaded == 1 else {
            let mark = parser.problem_mark
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = parser.context.map { String(cString: $0) + ": " } ?? ""
            throw PolicyFileError(
                file: file, line: mark.line + 1, column: mark.column + 1, reason: "YAML: \(context)\(problem)"
            )
        }
        defer { yaml_document_delete(&document) }
        guard yaml_document_get_root_node(&document) != nil else { return nil }
        var converter = Converter(document: document, file: file)
        return try converter.node(at: 1, depth: 0)
    }

    /// Walks libyaml's node table (1-based indices) into the tree.
    private struct Converter {
        let document: yaml_document_t
        let file: String
        var visited = 0

        mutating func node(at index: Int32, depth: Int) throws(PolicyFileError) -> YAMLNode {
            let node = document.nodes.start[Int(index) - 1]
            let line = Int(node.start_mark.line) + 1
            let column = Int(node.start_mark.column) + 1
            visited += 1
            guard depth < YAMLDocument.maxDepth, visited <= YAMLDocument.maxNodes else {
                throw PolicyFileError(
                    file: file, line: line, column: column,
                    reason: "document nests too deep or expands to too many nodes (aliases?)")
            }
            let content: YAMLNode.Content
            switch node.type {
            case YAML_SCALAR_NODE:
                let scalar = node.data.scalar
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                content = .scalar(text, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE)
            case YAML_SEQUENCE_NODE:
                let items = node.data.sequence.items
                var nodes: [YAMLNode] = []
                for offset in 0..<(items.top - items.start) {
                    nodes.append(try self.node(at: items.start[offset], depth: depth + 1))
                }
                content = .sequence(nodes)
            case YAML_MAPPING_NODE:
                let pairs = node.data.mapping.pairs
                var entries: [(key: YAMLNode, value: YAMLNode)] = []
                for offset in 0..<(pairs.top - pairs.start) {
                    let pair = pairs.start[offset]
                    entries.append(
                        (
                            try self.node(at: pair.key, depth: depth + 1),
                            try self.node(at: pair.value, depth: depth + 1)
                        ))
                }
                content = .mapping(entries)
            default:
                content = .scalar("", isPlain: true)
            }
            return YAMLNode(content: content, line: line, column: column)
        }
    }
}
