/// Writes strings as YAML scalars that libyaml reads back as the same text, whatever they hold: process
/// and unit names come from whoever started the process, so a name may hold `:`, `#`, quotes, line breaks
/// or control characters.
public enum YAMLScalarText {
    /// `text` plain when that is unambiguous (letters, digits, `_ . - / @ +`, not starting with a
    /// punctuation mark or looking like a number other than an unsigned integer, a boolean or null),
    /// else double-quoted with escapes.
    public static func of(_ text: String) -> String {
        isPlainSafe(text) ? text : doubleQuoted(text)
    }

    /// `text` double-quoted: `"` and `\` escaped, and every character YAML does not allow printed (C0 and
    /// C1 controls, DEL, the line and paragraph separators, the byte-order mark, U+FFFE and U+FFFF)
    /// written as an escape.
    public static func doubleQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\0": out += "\\0"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where isPrintable(scalar): out.unicodeScalars.append(scalar)
            case _ where scalar.value <= 0xFF: out += "\\x" + hex(scalar.value, digits: 2)
            default: out += "\\u" + hex(scalar.value, digits: 4)
            }
        }
        return out + "\""
    }

    /// YAML's printable set (YAML 1.2, 5.1) less the characters libyaml reads as line breaks (NEL, LS,
    /// PS) and the byte-order mark.
    private static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x2027, 0x202A...0xD7FF, 0xE000...0xFEFE, 0xFF00...0xFFFD,
            0x10000...0x10FFFF:
            true
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// Words that YAML 1.1 or 1.2 resolves to a boolean or null when plain.
    private static let reservedWords: Set<String> = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n",
    ]

    private static func isPlainSafe(_ text: String) -> Bool {
        guard let first = text.utf8.first, !reservedWords.contains(text.lowercased()) else { return false }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        if isDigit(first) { return text.utf8.allSatisfy(isDigit) }
        let startsWell =
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first | 0x20) || first == UInt8(ascii: "_")
            || first == UInt8(ascii: "/")
        return startsWell
            && text.utf8.allSatisfy { byte in
                isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
                    || "_.-/@+".utf8.contains(byte)
            }
    }

    /// `text` made safe for a YAML comment: on one line, without control characters.
    public static func comment(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { isPrintable($0) || $0 == "\t" ? $0 : "?" }))
    }
}
