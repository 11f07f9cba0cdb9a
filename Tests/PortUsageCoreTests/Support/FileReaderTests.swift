import PortUsageTestSupport
import Testing

@testable import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct FileReaderTests {
    @Test func readsARegularFileUpToItsLimit() throws {
        let path = Fixtures.temporaryDirectory() + "/small"
        Fixtures.write(Array("0123456789".utf8), to: path)
        #expect(try FileReader.readText(path, limit: 10) == "0123456789")
        #expect(throws: FileReadError.tooLarge(path: path, limit: 9)) {
            try FileReader.readConfigurationFile(path, limit: 9)
        }
    }

    @Test func refusesAFIFOAtOnceInsteadOfBlocking() {
        let path = Fixtures.temporaryDirectory() + "/fifo"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: FileReadError.notRegularFile(path: path, kind: "a FIFO")) {
            try FileReader.readConfigurationFile(path, limit: 1 << 20)
        }
        #expect(
            "\(FileReadError.notRegularFile(path: path, kind: "a FIFO"))"
                == "\(path): not a regular file (a FIFO)")
    }

    @Test func refusesDevicesAndDirectories() {
        #expect(throws: FileReadError.notRegularFile(path: "/dev/zero", kind: "a character device")) {
            try FileReader.readConfigurationFile("/dev/zero", limit: 1 << 20)
        }
        #expect(throws: FileReadError.notRegularFile(path: "/tmp", kind: "a directory")) {
            try FileReader.forEachChunk(of: "/tmp", limit: 1 << 20) { _ in }
        }
    }

    @Test func refusesALargeFileByItsSize() {
        let path = Fixtures.temporaryDirectory() + "/large"
        Fixtures.write([UInt8](repeating: 0x41, count: 2 << 20), to: path)
        var seen = 0
        #expect(throws: FileReadError.tooLarge(path: path, limit: 1 << 20)) {
            try FileReader.forEachChunk(of: path, limit: 1 << 20) { seen += $0.count }
        }
        #expect(seen == 0)
        #expect("\(FileReadError.tooLarge(path: path, limit: 1 << 20))" == "\(path): larger than 1 MiB limit")
    }

    @Test func stopsReadingAFileThatYieldsMoreThanItsSize() {
        // procfs files report size 0 and are generated as they are read.
        var seen = 0
        #expect(throws: FileReadError.tooLarge(path: "/proc/self/stat", limit: 8)) {
            try FileReader.forEachChunk(of: "/proc/self/stat", limit: 8) { seen += $0.count }
        }
        #expect(seen == 0)
    }

    @Test func failsWhenTheDeadlinePassesBeforeTheEnd() {
        let deadline = ContinuousClock.now - .seconds(1)
        var chunks = 0
        #expect {
            try FileReader.forEachChunk(
                of: Fixtures.procRoot + "/net/tcp", limit: 1 << 20, deadline: deadline
            ) {
                _ in chunks += 1
            }
        } throws: { error in
            guard case .timedOut(let path, let elapsed) = error as? FileReadError else { return false }
            return path == Fixtures.procRoot + "/net/tcp" && elapsed < .seconds(1)
                && "\(error)".hasPrefix("\(path): timed out after 0.")
        }
        #expect(chunks == 1)
    }

    @Test func systemErrorsNameTheOperationAndPath() {
        #expect(
            throws: FileReadError.system(
                FileSystemError(operation: "open", path: "/nonexistent", errno: ENOENT))
        ) { try FileReader.readConfigurationFile("/nonexistent", limit: 1) }
        #expect(
            "\(FileReadError.system(FileSystemError(operation: "open", path: "/x", errno: ENOENT)))"
                == "open /x: No such file or directory")
    }

    @Test(arguments: [
        (1 << 30, "1 GiB"), (16 << 20, "16 MiB"), (64 << 10, "64 KiB"), (1536, "1536 bytes"),
        (1000, "1000 bytes"),
    ])
    func limitsAreNamedInBinaryUnits(limit: Int, text: String) {
        #expect(FileReadError.tooLarge(path: "f", limit: limit).reason == "larger than \(text) limit")
    }

    /// A file of several chunks comes through the read-ahead thread whole and in order.
    @Test(arguments: [0, 1, ChunkPipe.chunkSize, 5 * ChunkPipe.chunkSize + 17])
    func readingAheadGivesTheWholeFileInOrder(size: Int) throws {
        let path = Fixtures.temporaryDirectory() + "/ahead"
        let content = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        Fixtures.write(content, to: path)
        var read: [UInt8] = []
        var chunks = 0
        try FileReader.forEachChunk(of: path, limit: 1 << 30, readingAhead: true) {
            read += $0
            chunks += 1
        }
        #expect(read == content)
        #expect(chunks == (size + ChunkPipe.chunkSize - 1) / ChunkPipe.chunkSize)
    }

    /// A file that yields more than the limit fails after the chunks within it; nothing past the limit is
    /// given to the body.
    @Test func readingAheadStopsAtTheLimit() {
        let path = Fixtures.temporaryDirectory() + "/grows"
        Fixtures.write([UInt8](repeating: 0x41, count: 3 * ChunkPipe.chunkSize), to: path)
        // A limit under the size is refused by the size; procfs files report 0, so read a real one.
        var seen = 0
        #expect(throws: FileReadError.tooLarge(path: "/proc/self/maps", limit: 64)) {
            try FileReader.forEachChunk(of: "/proc/self/maps", limit: 64, readingAhead: true) {
                seen += $0.count
            }
        }
        #expect(seen == 0)
        #expect(throws: FileReadError.tooLarge(path: path, limit: ChunkPipe.chunkSize)) {
            try FileReader.forEachChunk(of: path, limit: ChunkPipe.chunkSize, readingAhead: true) { _ in }
        }
    }

    /// A deadline that has passed stops the read after the first chunk, and the reader thread is joined.
    @Test func readingAheadStopsAtTheDeadline() {
        let path = Fixtures.temporaryDirectory() + "/slow"
        Fixtures.write([UInt8](repeating: 0x42, count: 8 * ChunkPipe.chunkSize), to: path)
        var chunks = 0
        #expect {
            try FileReader.forEachChunk(
                of: path, limit: 1 << 30, deadline: ContinuousClock.now - .seconds(1), readingAhead: true
            ) { _ in chunks += 1 }
        } throws: { error in
            guard case .timedOut(let failed, _) = error as? FileReadError else { return false }
            return failed == path
        }
        #expect(chunks == 1)
    }
}
