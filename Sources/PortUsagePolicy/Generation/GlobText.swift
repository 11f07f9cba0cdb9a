/// Names as policy globs: `*` and `?` match in a policy's owner names (`?` one byte), `\` escapes them,
/// and a name is 1 to 256 bytes on one line.
enum GlobText {
    /// The most bytes of a name or glob in a policy.
    static let maxBytes = 256

    /// A glob the policy accepts that matches `name`: exactly `name` (`*`, `?` and `\` escaped) when it can
    /// be written; a line break, which a policy cannot hold, as a `?` per byte; a glob longer than
    /// ``maxBytes`` cut and ended with `*`.
    static func matching(_ name: String) -> String {
        var pieces: [String] = []
        for character in name {
            if character.isNewline {
                pieces.append(String(repeating: "?", count: character.utf8.count))
                continue
            }
            var piece = ""
            for scalar in character.unicodeScalars {
                if scalar == "*" || scalar == "?" || scalar == "\\" { piece.unicodeScalars.append("\\") }
                piece.unicodeScalars.append(scalar)
            }
            pieces.append(piece)
        }
        let glob = pieces.joined()
        guard glob.utf8.count > maxBytes else { return glob }
        var cut = ""
        for piece in pieces {
            guard cut.utf8.count + piece.utf8.count < maxBytes else { break }
            cut += piece
        }
        return cut + "*"
    }
}
