/// A set of port numbers as a fixed 8 KiB bitmap: membership is one shift and one mask.
struct PortSet: Sendable {
    private var words = [UInt64](repeating: 0, count: 1024)

    init() {}

    mutating func insert(_ port: UInt16) {
        words[Int(port >> 6)] |= 1 << UInt64(port & 63)
    }

    func contains(_ port: UInt16) -> Bool {
        words[Int(port >> 6)] & (1 << UInt64(port & 63)) != 0
    }
}
