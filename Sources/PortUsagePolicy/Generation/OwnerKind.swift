/// The owner constraints a generated policy can write on an expected entry, as named in the policy file and
/// in the `unit`, `user` and `process` labels of `port_usage_listener_owner_info`.
public enum OwnerKind: String, Sendable, CaseIterable, Comparable {
    case unit
    case user
    case process

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The kinds named in a comma-separated list such as `unit,process`; `none` (or the empty text) names
    /// none. Nil when a name is not a kind.
    public static func parseList(_ text: String) -> Set<OwnerKind>? {
        var kinds: Set<OwnerKind> = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false)
        where text != "none" && !text.isEmpty {
            guard let kind = OwnerKind(rawValue: String(name)) else { return nil }
            kinds.insert(kind)
        }
        return kinds
    }
}
