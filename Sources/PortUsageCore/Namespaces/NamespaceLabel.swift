/// The `netns` label of series that tell namespaces apart.
enum NamespaceLabel {
    /// The label of namespace `id`: its name in `names`, else `inode:N`; nil for an untagged key.
    static func value(of id: NamespaceID, in names: [NamespaceID: String]) -> String? {
        id.isTagged ? names[id] ?? id.description : nil
    }

    /// The `netns` label when there is one, to put before a series' other labels.
    static func labels(_ netns: String?) -> [Label] {
        netns.map { [Label("netns", $0)] } ?? []
    }
}
