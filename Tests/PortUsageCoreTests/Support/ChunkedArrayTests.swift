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
        var first = ChunkedArray<Int>()
        for value in 0..<1500 { first.append(value) }
        var second = ChunkedArray<Int>()
        for value in 1500..<4000 { second.append(value) }
        first += second
        #expect(first.count == 4000)
        #expect(Array(first) == Array(0..<4000))
        // The appended list is a value: it is unchanged for its other holders.
        #expect(Array(second) == Array(1500..<4000))
        var empty = ChunkedArray<Int>()
        empty += ChunkedArray()
        #expect(empty.isEmpty && empty == ChunkedArray())
    }
}
