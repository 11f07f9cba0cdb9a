import CYAML

/// Reads one YAML document with libyaml's event parser into ``YAMLNode``s.
///
/// The tree is built as the events arrive (``YAMLTreeBuilder``), so the bounds hold while parsing: a document
/// that nests deeper than ``maxDepth`` or expands to more than ``maxNodes`` nodes (an alias bomb) is refused
/// at the first node past them, before libyaml has read much further.
public enum YAMLDocument {
    public static let maxDepth = 64
    public static let maxNodes = 100_000

    /// The root node of the first document in `bytes`, or nil when there is none (an empty file).
    /// `file` only names the file in errors.
    public static func parse(_ bytes: [UInt8], file: String) throws(YAMLFileError) -> YAMLNode? {
        guard !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLFileError(file: file, line: 0, column: 0, reason: "libyaml could not be initialised")
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { buffer throws(YAMLFileError) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = YAMLTreeBuilder(file: file)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser, file: file) }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_SCALAR_EVENT:
                    let scalar = event.data.scalar
                    let text = String(
                        decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length),
                        as: UTF8.self)
                    try builder.scalar(
                        text, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE, anchor: name(scalar.anchor),
                        line: line, column: column)
                case YAML_SEQUENCE_START_EVENT:
                    try builder.startCollection(
                        isMapping: false, anchor: name(event.data.sequence_start.anchor), line: line,
                        column: column)
                case YAML_MAPPING_START_EVENT:
                    try builder.startCollection(
                        isMapping: true, anchor: name(event.data.mapping_start.anchor), line: line,
                        column: column)
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    builder.endCollection()
                case YAML_ALIAS_EVENT:
                    try builder.alias(name(event.data.alias.anchor) ?? "", line: line, column: column)
                case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                    return builder.root
                default:
                    break
                }
            }
        }
    }

    /// An anchor's name, or nil for none.
    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        anchor.map { String(cString: UnsafePointer($0)) }
    }

    /// libyaml's reason for refusing the input, at its position.
    private static func syntaxError(_ parser: yaml_parser_t, file: String) -> YAMLFileError {
        let mark = parser.problem_mark
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let context = parser.context.map { String(cString: $0) + ": " } ?? ""
        return YAMLFileError(
            file: file, line: mark.line + 1, column: mark.column + 1, reason: "YAML: \(context)\(problem)")
    }
}
