/// Aligned plain-text tables for the commands that print to a terminal.
enum TextTable {
    /// `rows` (the first the header), control characters of every cell escaped
    /// (``Swift/String/terminalSafe``), each column padded to its widest cell, one line a row.
    static func aligned(_ rows: [[String]]) -> String {
        let rows = rows.map { $0.map(\.terminalSafe) }
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        var text = ""
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            var line = Substring(cells.joined(separator: " "))
            while line.last == " " { line = line.dropLast() }
            text += line + "\n"
        }
        return text
    }
}
