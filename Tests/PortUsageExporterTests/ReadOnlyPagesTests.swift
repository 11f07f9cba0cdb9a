import CRelocations
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The serve command drops the pages of code and read-only data that start-up made resident.
@Suite("read-only pages")
struct ReadOnlyPagesTests {
    /// `RssFile` of this process, in KiB.
    private static func fileBackedKiB() throws -> Int {
        let status = try #require(fopen("/proc/self/status", "r"))
        defer { fclose(status) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), status) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("RssFile:") {
                return Int(text.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
            }
        }
        return -1
    }

    @Test func theyLeaveTheResidentSetAndTheCodeStillRuns() throws {
        let before = try Self.fileBackedKiB()
        let released = pue_release_read_only_pages()
        let after = try Self.fileBackedKiB()
        #expect(released > 1 << 20)
        #expect(after > 0 && after < before)
        // What runs next is mapped again from the page cache: this test's own code and libc's.
        #expect(try Self.fileBackedKiB() > 0)
    }
}
