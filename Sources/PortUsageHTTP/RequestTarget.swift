/// The path and query of a request target, in origin form (`/metrics?x`) or absolute form
/// (`http://host:port/metrics`, which proxies send and HTTP/1.1 servers must accept).
struct RequestTarget {
    let path: String
    /// The query's `name=value` pairs in order, percent-decoded (`+` is a space, as in forms); a
    /// malformed escape is kept as it is. The request head's size limit bounds their number.
    let query: [(name: String, value: String)]

    init(_ uri: String) {
        var rest = Substring(uri)
        for scheme in ["http://", "https://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        rest = rest.prefix { $0 != "#" }
        path = String(rest.prefix { $0 != "?" })
        let queryText = rest.drop { $0 != "?" }.dropFirst()
        query = queryText.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// The values of every query parameter named `name`.
    func values(of name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// Percent-decodes `text`; invalid UTF-8 in the result is replaced.
    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), input.count >= 2,
                let high = hexValue(input[input.startIndex]), let low = hexValue(input[input.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
