import Testing

@testable import PortUsageCore

@Suite("user names")
struct UserNamesTests {
    @Test func aUidWithANameIsNamedAndOneWithoutIsItsNumber() {
        let names = UserNames()
        #expect(names.name(of: 0) == "root")
        #expect(names.name(of: 4_000_000_000) == "4000000000")
        #expect(names.name(of: 0) == "root")  // from the cache
    }
}
