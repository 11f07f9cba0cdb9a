/// Names as policy globs: `*` and `?` match in a policy's owner names, and `\` escapes them.
enum GlobText {
    /// `name` as a glob that matches only itself: `*`, `?` and `\` escaped with `\`.
    static func literal(_ name: String) -> String {
        var out = ""
        for character in name {
            if character == "*" || character == "?" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
