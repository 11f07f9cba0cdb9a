import Testing

@testable import PortUsageCore

/// Names that processes choose for themselves, printed to an operator's terminal by `list` and `lookup`.
@Suite("terminal escaping")
struct TerminalEscapingTests {
    @Test(
        arguments: [
            ("nginx", "nginx"), ("a\nb", "a\\x0Ab"), ("\r\u{1B}[2K", "\\x0D\\x1B[2K"),
            ("tab\there", "tab\\x09here"),
            ("del\u{7F}", "del\\x7F"), ("c1\u{9B}31m", "c1\\x9B31m"), ("back\\slash", "back\\\\slash"),
            ("evil\u{202E}txt.exe", "evil\\u{202E}txt.exe"), ("zero\u{200B}width", "zero\\u{200B}width"),
            ("café", "café"),
        ])
    func controlAndInvisibleCharactersAreWrittenOut(name: String, shown: String) {
        #expect(name.terminalSafe == shown)
    }

    @Test func aProcessNameCannotSplitOrEraseItsRow() {
        let owner = SocketOwner(user: "mallory\nroot", unit: "x.service", processes: ["\r\u{1B}[2Khidden"])
        let listener = ListedListener(
            transport: .tcp, address: IPAddress(ipv4: 0x7F00_0001), port: 768, exposure: .loopback,
            classification: PortClassifier(registry: .embedded).classify(port: 768, transport: .tcp),
            unexpectedReason: nil, policyChecked: false, owner: owner, queued: nil, backlog: nil)
        let table = ListenerListingText.table([listener])
        let lines = table.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)  // header, the row, the marks' explanation, the final newline
        #expect(!table.contains("\r") && !table.contains("\u{1B}"))
        #expect(lines[1].contains("mallory\\x0Aroot") && lines[1].contains("\\x0D\\x1B[2Khidden"))
        #expect(lines[1].hasPrefix("!"))
    }

    @Test func invalidUTF8IsEscapedByteByByteAndValidTextIsKept() {
        #expect(String(escapingInvalidUTF8: Array("ns-1".utf8)) == "ns-1")
        #expect(String(escapingInvalidUTF8: [0x6E, 0xFF, 0x73]) == "n\\xFFs")
        #expect(String(escapingInvalidUTF8: [0xC3, 0xA9, 0xC3]) == "é\\xC3")
        #expect(String(escapingInvalidUTF8: [0xE2, 0x82]) == "\\xE2\\x82")
        #expect(RawPath("/run/netns").appending([0xFF]).description == "/run/netns/\\xFF")
        #expect(RawPath("/run/netns").appending([0xFF]).bytes == Array("/run/netns/".utf8) + [0xFF])
    }
}
