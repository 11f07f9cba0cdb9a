/// The columns of a `/proc/net` socket line that the exporter reads.
struct ScannedSocketLine {
    var localAddress: IPAddress
    var localPort: UInt16
    var remoteAddress: IPAddress
    var remotePort: UInt16
    var state: UInt8
    var transmitQueue: UInt32?
    var receiveQueue: UInt32?
    var uid: UInt32 = 0
    var inode: UInt64 = 0
    /// The last column of a UDP line (`sk_drops`), when asked for and present.
    var drops: UInt32?
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

    /// Reads `sl: local:port remote:port st` and checks each field's shape, then the queue, uid and inode
    /// columns when they follow in the kernel's layout (a line cut after the state keeps their defaults),
    /// and with `drops` (a UDP table, `udp4_format_sock`) the `ref pointer drops` columns after them.
    mutating func scanSocketLine(family: AddressFamily, drops: Bool = false) -> ScannedSocketLine? {
        guard scanSlot() else { return nil }
        skipSpaces()
        guard let local = scanAddress(family), expect(UInt8(ascii: ":")), let localPort = scanHex(digits: 4),
            expect(UInt8(ascii: " ")), let remote = scanAddress(family), expect(UInt8(ascii: ":")),
            let remotePort = scanHex(digits: 4), expect(UInt8(ascii: " ")),
            let state = scanHex(digits: 2), atEnd || peek == UInt8(ascii: " ")
        else { return nil }
        var line = ScannedSocketLine(
            localAddress: local, localPort: UInt16(localPort), remoteAddress: remote,
            remotePort: UInt16(remotePort), state: UInt8(state))
        if scanOptionalColumns(into: &line) && drops { scanDrops(into: &line) }
        return line
    }

    /// Reads `tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode`; stops at the first column that
    /// is not there or not in shape, keeping what was read. Returns whether it read them all.
    private mutating func scanOptionalColumns(into line: inout ScannedSocketLine) -> Bool {
        skipSpaces()
        guard let transmit = scanHex(digits: 8), expect(UInt8(ascii: ":")), let receive = scanHex(digits: 8)
        else { return false }
        line.transmitQueue = UInt32(transmit)
        line.receiveQueue = UInt32(receive)
        skipSpaces()
        guard scanHex(digits: 2) != nil, expect(UInt8(ascii: ":")), scanHex(digits: 8) != nil else {
            return false
        }
        skipSpaces()
        guard scanHex(digits: 8) != nil else { return false }
        skipSpaces()
        guard let uid = scanDecimal(), uid <= UInt64(UInt32.max) else { return false }
        line.uid = UInt32(uid)
        skipSpaces()
        // The timeout is printed signed; its value is not used.
        _ = expect(UInt8(ascii: "-"))
        guard scanDecimal() != nil else { return false }
        skipSpaces()
        guard let inode = scanDecimal() else { return false }
        line.inode = inode
        return true
    }

    /// Reads a UDP line's `ref pointer drops` (`%u %pK %u`): the pointer is 16 hex digits, or 8 on a
    /// 32-bit kernel, zeros unless the reader may see kernel addresses. Keeps the drops absent unless
    /// all three are in shape and the line ends after them.
    private mutating func scanDrops(into line: inout ScannedSocketLine) {
        skipSpaces()
        guard scanDecimal() != nil, expect(UInt8(ascii: " ")) else { return }
        let pointerStart = index
        while index < bytes.count && Self.hexValue(bytes[index]) != 0xFF { index += 1 }
        guard index - pointerStart == 8 || index - pointerStart == 16, expect(UInt8(ascii: " ")),
            let drops = scanDecimal(), drops <= UInt64(UInt32.max)
        else { return }
        skipSpaces()
        if atEnd { line.drops = UInt32(drops) }
    }

    /// Reads an address of `family`: its words in host byte order (one for IPv4, four for IPv6), each the
    /// address bytes read as a native integer, so its little-endian representation gives the bytes back in
    /// network order on any host.
    private mutating func scanAddress(_ family: AddressFamily) -> IPAddress? {
        switch family {
        case .ipv4:
            guard let word = scanHex(digits: 8) else { return nil }
            return IPAddress(ipv4: Self.networkOrder(word))
        case .ipv6:
            guard let first = scanHex(digits: 8), let second = scanHex(digits: 8),
                let third = scanHex(digits: 8), let fourth = scanHex(digits: 8)
            else { return nil }
            return IPAddress(
                family: .ipv6,
                high: UInt64(Self.networkOrder(first)) << 32 | UInt64(Self.networkOrder(second)),
                low: UInt64(Self.networkOrder(third)) << 32 | UInt64(Self.networkOrder(fourth)))
        }
    }

    /// The address bytes of a printed word as a big-endian number.
    @inline(__always)
    private static func networkOrder(_ printed: UInt64) -> UInt32 {
        UInt32(bigEndian: UInt32(truncatingIfNeeded: printed))
    }

    /// Reads an unsigned decimal number of at most 20 digits.
    private mutating func scanDecimal() -> UInt64? {
        let start = index
        var value: UInt64 = 0
        while index < bytes.count, bytes[index] &- UInt8(ascii: "0") < 10, index - start < 20 {
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product &+ UInt64(bytes[index] &- UInt8(ascii: "0"))
            index += 1
        }
        return index > start ? value : nil
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
