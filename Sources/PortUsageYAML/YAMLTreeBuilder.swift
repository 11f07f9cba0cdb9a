/// Builds the ``YAMLNode`` tree of one document from its parse events, in document order.
///
/// The bounds of ``YAMLDocument`` are enforced as the events arrive, so a hostile document is refused at the
/// first node past them, after work proportional to the bounds and not to the document: a node deeper than
/// ``YAMLDocument/maxDepth``, or one that takes the expanded tree past ``YAMLDocument/maxNodes`` nodes.
/// An alias counts as a copy of its anchored node (its nodes and its height), so an alias bomb is refused
/// while it is still cheap: the copies themselves share storage.
struct YAMLTreeBuilder {
    /// A finished node with what a copy of it costs.
    private struct Built {
        var node: YAMLNode
        /// The nodes of the subtree, itself included.
        var size: Int
        /// The levels of the subtree: 1 for a scalar or an empty collection.
        var height: Int
    }

    /// A sequence or mapping whose end has not arrived yet.
    private struct OpenCollection {
        let isMapping: Bool
        let anchor: String?
        let line: Int
        let column: Int
        /// The items, or the keys and values of a mapping one after the other.
        var items: [YAMLNode] = []
        var size = 1
        var height = 1
    }

    /// Names the file in errors.
    let file: String
    private var open: [OpenCollection] = []
    private var anchors: [String: Built] = [:]
    private var nodeCount = 0
    /// The document's root, once its last event has arrived.
    private(set) var root: YAMLNode?

    init(file: String) {
        self.file = file
    }

    mutating func scalar(_ text: String, isPlain: Bool, anchor: String?, line: Int, column: Int)
        throws(YAMLFileError)
    {
        try admit(size: 1, height: 1, line: line, column: column)
        let node = YAMLNode(content: .scalar(text, isPlain: isPlain), line: line, column: column)
        add(Built(node: node, size: 1, height: 1), anchor: anchor)
    }

    mutating func startCollection(isMapping: Bool, anchor: String?, line: Int, column: Int)
        throws(YAMLFileError)
    {
        try admit(size: 1, height: 1, line: line, column: column)
        // An alias inside the collection to its own anchor would make it recursive: it is undefined until the end.
        if let anchor { anchors[anchor] = nil }
        open.append(OpenCollection(isMapping: isMapping, anchor: anchor, line: line, column: column))
    }

    /// Ends the innermost open collection (libyaml pairs the start and end events).
    mutating func endCollection() {
        let done = open.removeLast()
        let content: YAMLNode.Content =
            done.isMapping
            ? .mapping(
                stride(from: 0, to: done.items.count - 1, by: 2).map { (done.items[$0], done.items[$0 + 1]) })
            : .sequence(done.items)
        let node = YAMLNode(content: content, line: done.line, column: done.column)
        add(Built(node: node, size: done.size, height: done.height), anchor: done.anchor)
    }

    /// A copy of the node anchored as `name`; an anchor is defined once its node has ended.
    mutating func alias(_ name: String, line: Int, column: Int) throws(YAMLFileError) {
        guard let target = anchors[name] else {
            throw YAMLFileError(
                file: file, line: line, column: column, reason: "YAML: found undefined alias")
        }
        try admit(size: target.size, height: target.height, line: line, column: column)
        add(target, anchor: nil)
    }

    /// Counts `size` more nodes placed at the current depth, `height` levels deep, or throws.
    private mutating func admit(size: Int, height: Int, line: Int, column: Int) throws(YAMLFileError) {
        nodeCount += size
        guard open.count + height <= YAMLDocument.maxDepth else {
            throw YAMLFileError(
                file: file, line: line, column: column,
                reason: "document nests too deep (more than \(YAMLDocument.maxDepth) levels)")
        }
        guard nodeCount <= YAMLDocument.maxNodes else {
            throw YAMLFileError(
                file: file, line: line, column: column,
                reason: "document expands to too many nodes (more than \(YAMLDocument.maxNodes); aliases?)")
        }
    }

    private mutating func add(_ built: Built, anchor: String?) {
        if let anchor { anchors[anchor] = built }
        guard !open.isEmpty else {
            root = built.node
            return
        }
        open[open.count - 1].items.append(built.node)
        open[open.count - 1].size += built.size
        open[open.count - 1].height = max(open[open.count - 1].height, built.height + 1)
    }
}
