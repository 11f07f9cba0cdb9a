/// The columns of a `/proc/net` socket line that the exporter needs.
struct ScannedSocketLine {
    /// Local address words as printed (host byte order), four for IPv6, one for IPv4.
    var localWords: (UInt32, UInt32, UInt32, UInt32)
    var wordCount: Int
    var localPort: UInt16
    var remoteIsZero: Bool
    var state: UInt8

    /// The exposure of the local address. Each word is the address bytes read as a native integer, so its
    /// little-endian representation gives the bytes back in network order on any host.
    func exposure() -> Exposure {
        let words = [localWords.0, localWords.1, localWords.2, localWords.3].prefix(wordCount)
        let bytes = words.flatMap { word in
            let value = word.littleEndian
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        }
        return Exposure(addressBytes: bytes)
    }
}

/// A cursor over one line's bytes with the few token readers the socket tables need.
struct LineScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var atEnd: Bool { index >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[index] }

    mutating func skipSpaces() {
        while index < bytes.count && bytes[index] == UInt8(ascii: " ") { index += 1 }
    }

    /// Reads `sl: local:port remote:port st` and checks each field's shape.
    mutating func scanSocketLine(addressHexDigits: Int) -> ScannedSocketLine? {
        guard scanSlot() else { return nil }
        skipSpaces()
        var line = ScannedSocketLine(
            localWords: (0, 0, 0, 0), wordCount: addressHexDigits / 8, localPort: 0, remoteIsZero: true,
            state: 0)
        for word in 0..<line.wordCount {
            guard let value = scanHex(digits: 8) else { return nil }
            switch word {
            case 0: line.localWords.0 = UInt32(value)
            case 1: line.localWords.1 = UInt32(value)
            case 2: line.localWords.2 = UInt32(value)
            default: line.localWords.3 = UInt32(value)
            }
        }
        guard expect(UInt8(ascii: ":")), let localPort = scanHex(digits: 4), expect(UInt8(ascii: " ")) else {
            return nil
        }
        line.localPort = UInt16(localPort)
        var remoteBits: UInt64 = 0
        for _ in 0..<line.wordCount {
            guard let value = scanHex(digits: 8) else { return nil }
            remoteBits |= value
        }
        guard expect(UInt8(ascii: ":")), let remotePort = scanHex(digits: 4), expect(UInt8(ascii: " ")) else {
            return nil
        }
        line.remoteIsZero = remoteBits == 0 && remotePort == 0
        guard let state = scanHex(digits: 2), atEnd || peek == UInt8(ascii: " ") else { return nil }
        line.state = UInt8(state)
        return line
    }

    /// Reads the slot number and its colon (`  12:`).
    private mutating func scanSlot() -> Bool {
        let start = index
        while index < bytes.count && bytes[index] &- UInt8(ascii: "0") < 10 { index += 1 }
        return index > start && expect(UInt8(ascii: ":"))
    }

    private mutating func expect(_ byte: UInt8) -> Bool {
        guard index < bytes.count && bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Reads exactly `digits` hex digits (upper or lower case).
    @inline(__always)
    private mutating func scanHex(digits: Int) -> UInt64? {
        guard index + digits <= bytes.count else { return nil }
        var value: UInt64 = 0
        for offset in 0..<digits {
            let nibble = Self.hexValue(bytes[index + offset])
            guard nibble != 0xFF else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        index += digits
        return value
    }

    /// The value of one hex digit, or 0xFF; arithmetic rather than a table, which would cost a lazy-global
    /// check on every byte.
    @inline(__always)
    private static func hexValue(_ byte: UInt8) -> UInt8 {
        let digit = byte &- UInt8(ascii: "0")
        if digit < 10 { return digit }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        return letter < 6 ? letter + 10 : 0xFF
    }
}
