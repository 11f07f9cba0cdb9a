import Testing

@testable import PortUsageCore

/// The strict JSON reader of replies from other servers.
@Suite struct JSONReaderTests {
    private func read(_ text: String, maxDepth: Int = 64) throws(JSONReadError) -> JSONValue {
        try JSONReader(maxBytes: 1 << 20, maxDepth: maxDepth).read(Array(text.utf8))
    }

    @Test func readsEveryKindOfValue() throws {
        let value = try read(
            #" {"s": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00é", "n": [0, -12, 9223372036854775807, 1.5, -2e3, 1E+2, 0.25e-1],"#
                + #" "t": true, "f": false, "z": null, "o": {}, "a": []} "#)
        #expect(value["s"] == .string("a\"b\\c/d\u{8}\u{C}\n\r\té😀é"))
        #expect(
            value["n"]
                == .array([
                    .number(0), .number(-12), .number(Int.max), .decimal(1.5), .decimal(-2000), .decimal(100),
                    .decimal(0.025),
                ]))
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["z"] == .null)
        #expect(value["o"] == .object([]))
        #expect(value["a"] == .array([]))
        #expect(value["missing"] == nil)
        #expect(try read("9223372036854775808") == .decimal(9_223_372_036_854_775_808))
    }

    @Test func refusesWhatIsNotStrictJSON() {
        let cases: [(String, Int, String)] = [
            ("", 0, "unexpected end, expected a value"),
            ("[1,]", 3, "expected a value"),
            ("{\"a\":1,}", 7, "expected a string key"),
            ("[1 2]", 3, "expected ',' or ']'"),
            ("{\"a\" 1}", 5, "expected ':'"),
            ("01", 1, "leading zero in a number"),
            ("-", 1, "expected a digit"),
            ("1.", 2, "expected a digit after '.'"),
            ("1e", 2, "expected a digit in the exponent"),
            ("1e400", 0, "number out of range"),
            ("+1", 0, "expected a value"),
            ("NaN", 0, "expected a value"),
            ("tru", 0, "expected a value"),
            ("\"a", 2, "unexpected end inside a string"),
            ("\"a\nb\"", 2, "control character inside a string"),
            ("\"\\x\"", 2, "unknown escape"),
            ("\"\\u12\"", 5, "expected four hex digits after \\u"),
            ("\"\\ud83d\"", 7, "high surrogate \\ud83d without a low one"),
            ("\"\\ud83d\\u0041\"", 13, "high surrogate followed by \\u41, not a low one"),
            ("\"\\ude00\"", 7, "low surrogate \\ude00 without a high one"),
            ("{\"a\":1,\"a\":2}", 7, "key 'a' given twice"),
            ("1 2", 2, "text after the value"),
            ("[1] //", 4, "text after the value"),
            ("\u{FEFF}1", 0, "expected a value"),
        ]
        for (text, offset, reason) in cases {
            #expect(throws: JSONReadError(offset: offset, reason: reason), "\(text)") { try read(text) }
        }
    }

    @Test func refusesBytesThatAreNotUTF8() {
        for bytes: [UInt8] in [
            [0x22, 0xFF, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0xE2, 0x82],
        ] {
            #expect(throws: JSONReadError(offset: 1, reason: "invalid UTF-8")) {
                try JSONReader().read(bytes)
            }
        }
    }

    @Test func boundsDepthAndSize() throws {
        #expect(
            try read(String(repeating: "[", count: 3) + String(repeating: "]", count: 3), maxDepth: 3)
                != .null)
        #expect(throws: JSONReadError(offset: 3, reason: "nested deeper than 3 levels")) {
            try read(String(repeating: "[", count: 4) + String(repeating: "]", count: 4), maxDepth: 3)
        }
        let deep = #expect(throws: JSONReadError.self) {
            try read(String(repeating: "[{\"a\":", count: 100_000))
        }
        #expect(deep?.reason == "nested deeper than 64 levels")
        #expect(throws: JSONReadError(offset: 0, reason: "the document is larger than 4 bytes")) {
            try JSONReader(maxBytes: 4).read(Array("[1,2]".utf8))
        }
    }

    @Test func whatTheWriterWritesReadsBack() throws {
        let value = JSONValue.object([
            ("a", .string("x\u{1}\"\\\n😀")), ("b", .array([.number(-1), .decimal(0.1), .bool(true), .null])),
        ])
        #expect(try read(value.text) == value)
    }
}
