import Testing

@testable import PortUsageCore

/// The globs of owner and namespace constraints.
@Suite("name patterns")
struct NamePatternTests {
    @Test(arguments: [
        ("sshd", "sshd", true), ("sshd", "sshd-session", false), ("sshd*", "sshd-session", true),
        ("sshd*", "sshd", true), ("*.service", "ssh.service", true), ("*.service", "ssh.scope", false),
        ("pod:*", "pod:1234", true), ("pod:*", "host", false), ("a?c", "abc", true), ("a?c", "ac", false),
        ("*a*b*", "xxaxxbxx", true), ("*a*b*", "xxbxxaxx", false), ("a\\*", "a*", true),
        ("a\\*", "ab", false),
        ("a\\\\", "a\\", true), ("", "", true), ("*", "", true), ("?", "", false),
        ("caf\u{E9}", "caf\u{E9}", true), ("caf?", "caf\u{E9}", false), ("caf??", "caf\u{E9}", true),
    ])
    func matchesAsAGlob(pattern: String, name: String, matches: Bool) {
        #expect(NamePattern(pattern)?.matches(name) == matches)
    }

    @Test func aLoneEscapeAtTheEndIsNoPattern() {
        #expect(NamePattern("abc\\") == nil)
    }

    /// A hostile pattern against a hostile name: a quadratic bound at worst, not exponential.
    @Test func manyStarsAgainstALongNameEndQuickly() {
        let pattern = NamePattern(String(repeating: "*a", count: 100) + "b")!
        #expect(!pattern.matches(String(repeating: "a", count: 4000)))
    }
}
