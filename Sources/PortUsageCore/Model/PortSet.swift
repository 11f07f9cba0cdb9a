/// A set of port numbers as a fixed 8 KiB bitmap: membership is one shift and one mask.
public struct PortSet: Sendable, Equatable {
    private var words = [UInt64](repeating: 0, count: 1024)

    public init() {}

    /// A set holding `ports`.
    public init(_ ports: some Sequence<UInt16>) {
        for port in ports { insert(port) }
    }

    public mutating func insert(_ port: UInt16) {
        words[Int(port >> 6)] |= 1 << UInt64(port & 63)
    }

    /// Adds every port of `other`.
    public mutating func formUnion(_ other: PortSet) {
        for index in words.indices { words[index] |= other.words[index] }
    }

    public func contains(_ port: UInt16) -> Bool {
        words[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0
    }

    /// How many ports are in the set.
    public var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Whether no port is in the set.
    public var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    /// The ports in the set, ascending.
    public var ports: [UInt16] {
        var result: [UInt16] = []
        for (index, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                result.append(UInt16(index << 6 | bits.trailingZeroBitCount))
                bits &= bits - 1
            }
        }
        return result
    }
}
