/// A strict JSON reader (RFC 8259) without Foundation, for replies from other servers (the Prometheus
/// HTTP API): bounded in size and nesting, so a hostile or broken reply is an error, never a crash, deep
/// recursion or unbounded memory.
///
/// Strict: one value with optional whitespace around it, no trailing commas, comments or leading zeros,
/// strings of valid UTF-8 without raw control characters, `\u` escapes paired into surrogates correctly,
/// no key twice in an object, finite numbers.
public struct JSONReader: Sendable {
    /// The most bytes a document may have.
    public var maxBytes: Int
    /// The deepest nesting of arrays and objects.
    public var maxDepth: Int

    public init(maxBytes: Int = 64 << 20, maxDepth: Int = 64) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
    }

    /// The value `bytes` hold. Integers that fit `Int` are `.number`, other numbers `.decimal`.
    public func read(_ bytes: some Collection<UInt8>) throws(JSONReadError) -> JSONValue {
        guard bytes.count <= maxBytes else {
            throw JSONReadError(offset: 0, reason: "the document is larger than \(maxBytes) bytes")
        }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(JSONReadError) in
            var cursor = JSONCursor(bytes: buffer, maxDepth: maxDepth)
            cursor.skipWhitespace()
            let value = try cursor.value(depth: 0)
            cursor.skipWhitespace()
            guard cursor.atEnd else { throw cursor.error("text after the value") }
            return value
        }
    }
}

/// Why a document is not JSON, and the byte offset where that was found.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A position in the bytes being read.
private struct JSONCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    var atEnd: Bool { offset == bytes.count }

    var next: UInt8? { atEnd ? nil : bytes[offset] }

    func error(_ reason: String) -> JSONReadError { JSONReadError(offset: offset, reason: reason) }

    mutating func skipWhitespace() {
        while let byte = next, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONReadError) {
        guard next == byte else {
            throw error(atEnd ? "unexpected end, expected \(what)" : "expected \(what)")
        }
        offset += 1
    }

    mutating func value(depth: Int) throws(JSONReadError) -> JSONValue {
        guard let byte = next else { throw error("unexpected end, expected a value") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw error("expected a value")
        }
    }

    private mutating func literal(_ word: String, _ value: JSONValue) throws(JSONReadError) -> JSONValue {
        let text = word.utf8
        guard bytes.count - offset >= text.count, bytes[offset..<offset + text.count].elementsEqual(text)
        else {
            throw error("expected a value")
        }
        offset += text.count
        return value
    }

    private mutating func object(depth: Int) throws(JSONReadError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        offset += 1
        var members: [(String, JSONValue)] = []
        var keys: Set<String> = []
        skipWhitespace()
        if next == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard next == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyOffset = offset
            let key = try string()
            guard keys.insert(key).inserted else {
                throw JSONReadError(offset: keyOffset, reason: "key '\(key)' given twice")
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':'")
            skipWhitespace()
            members.append((key, try value(depth: depth)))
            skipWhitespace()
            if next == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "',' or '}'")
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws(JSONReadError) -> JSONValue {
        guard depth <= maxDepth else { throw error("nested deeper than \(maxDepth) levels") }
        offset += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if next == UInt8(ascii: "]") {
            offset += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            if next == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "',' or ']'")
            return .array(items)
        }
    }

    /// A string from its opening quote: escapes decoded, UTF-8 validated.
    private mutating func string() throws(JSONReadError) -> String {
        offset += 1
        var scalars = String.UnicodeScalarView()
        while true {
            guard let byte = next else { throw error("unexpected end inside a string") }
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                offset += 1
                scalars.append(try escape())
            case 0..<0x20: throw error("control character inside a string")
            case 0..<0x80:
                scalars.append(Unicode.Scalar(byte))
                offset += 1
            default: scalars.append(try utf8Scalar())
            }
        }
    }

    /// The character an escape stands for, from the byte after the backslash.
    private mutating func escape() throws(JSONReadError) -> Unicode.Scalar {
        guard let byte = next else { throw error("unexpected end inside a string") }
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try hexUnit()
            switch unit {
            case 0xD800...0xDBFF:
                guard next == UInt8(ascii: "\\"), offset + 1 < bytes.count,
                    bytes[offset + 1] == UInt8(ascii: "u")
                else { throw error("high surrogate \\u\(String(unit, radix: 16)) without a low one") }
                offset += 2
                let low = try hexUnit()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw error("high surrogate followed by \\u\(String(low, radix: 16)), not a low one")
                }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!
            case 0xDC00...0xDFFF:
                throw error("low surrogate \\u\(String(unit, radix: 16)) without a high one")
            default: return Unicode.Scalar(unit)!
            }
        default:
            offset -= 1
            throw error("unknown escape")
        }
    }

    /// Four hex digits after `\u`.
    private mutating func hexUnit() throws(JSONReadError) -> UInt32 {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next else { throw error("unexpected end inside a \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("expected four hex digits after \\u")
            }
            unit = unit << 4 | UInt32(digit)
            offset += 1
        }
        return unit
    }

    /// One multi-byte UTF-8 sequence: the shortest form, no surrogates, at most U+10FFFF.
    private mutating func utf8Scalar() throws(JSONReadError) -> Unicode.Scalar {
        let lead = bytes[offset]
        let (count, minimum, initial): (Int, UInt32, UInt32) =
            switch lead {
            case 0xC2...0xDF: (2, 0x80, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (3, 0x800, UInt32(lead & 0x0F))
            case 0xF0...0xF4: (4, 0x10000, UInt32(lead & 0x07))
            default: (0, 0, 0)
            }
        guard count > 0, bytes.count - offset >= count else { throw error("invalid UTF-8") }
        var value = initial
        for index in offset + 1..<offset + count {
            let byte = bytes[index]
            guard byte & 0xC0 == 0x80 else { throw error("invalid UTF-8") }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        guard value >= minimum, let scalar = Unicode.Scalar(value) else { throw error("invalid UTF-8") }
        offset += count
        return scalar
    }

    /// A number: `-`? int frac? exp?, with no leading zeros.
    private mutating func number() throws(JSONReadError) -> JSONValue {
        let start = offset
        if next == UInt8(ascii: "-") { offset += 1 }
        guard let first = next, isDigit(first) else { throw error("expected a digit") }
        offset += 1
        if first == UInt8(ascii: "0"), let byte = next, isDigit(byte) {
            throw error("leading zero in a number")
        }
        skipDigits()
        var integral = true
        if next == UInt8(ascii: ".") {
            integral = false
            offset += 1
            guard let byte = next, isDigit(byte) else { throw error("expected a digit after '.'") }
            skipDigits()
        }
        if next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            integral = false
            offset += 1
            if next == UInt8(ascii: "+") || next == UInt8(ascii: "-") { offset += 1 }
            guard let byte = next, isDigit(byte) else { throw error("expected a digit in the exponent") }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if integral, let value = Int(text) { return .number(value) }
        guard let value = Double(text), value.isFinite else {
            throw JSONReadError(offset: start, reason: "number out of range")
        }
        return .decimal(value)
    }

    private mutating func skipDigits() {
        while let byte = next, isDigit(byte) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

extension JSONValue {
    /// The member `key` of an object; nil for other values or when absent.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }
}
