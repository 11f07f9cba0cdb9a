import Testing

@testable import PortUsageCore

@Suite("chunked array")
struct ChunkedArrayTests {
    @Test func appendsAcrossChunksInOrder() {
        var list = ChunkedArray<Int>()
        #expect(list.isEmpty)
        let count = ChunkedArray<Int>.chunkSize * 2 + 5
        for value in 0..<count { list.append(value) }
        #expect(list.count == count)
        #expect(Array(list) == Array(0..<count))
        #expect(list[ChunkedArray<Int>.chunkSize] == ChunkedArray<Int>.chunkSize)
        #expect(list.last == count - 1)
    }

    @Test func appendingAnotherKeepsBothInOrder() {
        // Both lists end inside a chunk, so the appended one's chunks are not taken over as they are.
        let chunk = ChunkedArray<Int>.chunkSize
        var first = ChunkedArray<Int>()
        for value in 0..<(chunk + 500) { first.append(value) }
        var second = ChunkedArray<Int>()
        for value in (chunk + 500)..<(3 * chunk + 7) { second.append(value) }
        first += second
        #expect(first.count == 3 * chunk + 7)
        #expect(Array(first) == Array(0..<(3 * chunk + 7)))
        // The appended list is a value: it is unchanged for its other holders.
        #expect(Array(second) == Array((chunk + 500)..<(3 * chunk + 7)))
        var empty = ChunkedArray<Int>()
        empty += ChunkedArray()
        #expect(empty.isEmpty && empty == ChunkedArray())
    }
}
