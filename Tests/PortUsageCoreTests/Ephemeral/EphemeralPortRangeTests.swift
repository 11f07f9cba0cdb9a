import Testing

@testable import PortUsageCore

@Suite("ephemeral port range")
struct EphemeralPortRangeTests {
    @Test func theKernelsFormats() throws {
        var range = try EphemeralPortRange.parseRange("32768\t60999\n", path: "r")
        #expect(range.range == 32768...60999 && range.size == 28232)
        range.reserved = try EphemeralPortRange.parseReserved("40000-40009,50000,1\n", path: "s")
        #expect(range.size == 28221)
        #expect(!range.contains(40005) && !range.contains(1))
        #expect(range.contains(40010) && !range.contains(61000))
        #expect(try EphemeralPortRange.parseReserved("\n", path: "s").isEmpty)
    }

    @Test(arguments: ["", "1", "60999 32768", "1 2 3", "a b", "1 70000", "-1 5"])
    func aBadRangeIsAnErrorNamingTheFile(text: String) {
        #expect(throws: SysctlFormatError(path: "/p/r", text: text)) {
            try EphemeralPortRange.parseRange(text, path: "/p/r")
        }
    }

    @Test(arguments: ["1-", "5-4", "x", "1,,2-3-4", "70000", "1-70000"])
    func aBadReservedListIsAnError(text: String) {
        #expect(throws: SysctlFormatError.self) { try EphemeralPortRange.parseReserved(text, path: "s") }
    }
}
