/// A network namespace, as its nsfs inode number (the `N` of `net:[N]`) identifies it while it exists.
///
/// Keys carry ``untagged`` unless the `netns` collector tells namespaces apart.
public struct NamespaceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var inode: UInt32

    public init(inode: UInt32) {
        self.inode = inode
    }

    /// No namespace: listeners are not told apart by namespace, and carry no `netns` label.
    public static let untagged = NamespaceID(inode: 0)

    public var isTagged: Bool { inode != 0 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.inode < rhs.inode }

    /// `inode:N`, the `netns` label of a namespace known by nothing else.
    public var description: String { "inode:\(inode)" }
}
