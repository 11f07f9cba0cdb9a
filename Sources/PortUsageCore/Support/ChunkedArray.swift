/// A list that grows a chunk at a time: appending never moves what is stored, so a list of unknown length
/// peaks at its size plus one chunk, where an array that doubles holds its old and new storage at once
/// (three times its size, for the first read of a host with tens of thousands of listeners).
public struct ChunkedArray<Element>: RandomAccessCollection {
    /// Elements a chunk holds: 256 KiB of them, so that malloc maps each chunk from the kernel on its own
    /// (above its mmap threshold) and gives it back when freed, and only the pages written are resident.
    static var chunkSize: Int { Swift.max(1, 256 * 1024 / MemoryLayout<Element>.stride) }

    private var chunks: [[Element]] = []
    public private(set) var count = 0

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Element {
        chunks[position / Self.chunkSize][position % Self.chunkSize]
    }

    public mutating func append(_ element: Element) {
        if count % Self.chunkSize == 0 {
            chunks.append([])
            chunks[chunks.count - 1].reserveCapacity(Self.chunkSize)
        }
        chunks[chunks.count - 1].append(element)
        count += 1
    }

    /// Appends the elements of `other`, freeing each of its chunks once it is copied.
    public mutating func append(contentsOf other: consuming ChunkedArray) {
        var rest = other.chunks.reversed() as [[Element]]
        other = ChunkedArray()
        while let chunk = rest.popLast() {
            for element in chunk { append(element) }
        }
    }

    public static func += (list: inout ChunkedArray, other: ChunkedArray) {
        list.append(contentsOf: other)
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
extension ChunkedArray: Equatable where Element: Equatable {
    public static func == (lhs: ChunkedArray, rhs: ChunkedArray) -> Bool {
        lhs.elementsEqual(rhs)
    }
}
