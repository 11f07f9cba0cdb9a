extension String {
    /// The text with every character that a terminal would act on written out instead, as `ss` does with
    /// process names: C0 and C1 control characters and DEL as `\xHH`, and the invisible characters that
    /// reorder or hide text (bidirectional overrides and isolates, zero-width marks) as `\u{HHHH}`; a
    /// backslash is doubled so that an escape cannot be forged. Process and unit names are chosen by
    /// whoever starts the process: a newline would split a row, `\r\e[2K` would erase it.
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var out = ""
        for scalar in unicodeScalars {
            if scalar == "\\" {
                out += "\\\\"
            } else if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                out += "\\x" + Self.hex(scalar.value, digits: 2)
            } else if Self.isInvisibleFormat(scalar) {
                out += "\\u{" + Self.hex(scalar.value, digits: 4) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            || isInvisibleFormat(scalar)
    }

    /// Bidirectional marks, embeddings, overrides and isolates, zero-width characters and the byte-order mark.
    private static func isInvisibleFormat(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: true
        default: false
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: Swift.max(0, digits - text.count)) + text
    }
}
