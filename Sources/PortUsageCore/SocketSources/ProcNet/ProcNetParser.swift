/// Parses the text of `/proc/net/{tcp,tcp6,udp,udp6}` into ``SocketTableCounts``, on raw bytes.
///
/// Input arrives in chunks of any size (``consume(_:)``); lines may span chunks. Only the first five
/// columns are read (`sl`, `local_address`, `rem_address`, `st`); the rest of a line is not looked at.
/// A line that does not have the shape the kernel prints (`net/ipv4/tcp_ipv4.c`, `get_tcp4_sock`) is
/// skipped and counted in ``SocketTableCounts/skippedLines``; it never changes any other count.
///
/// Addresses are hex words in host byte order (one for IPv4, four for IPv6); ports are printed after
/// `ntohs`, so their hex is the port number itself.
public struct ProcNetParser: Sendable {
    /// The table whose text this parser reads.
    public let table: SocketTable
    /// Whether non-listening TCP sockets are kept for the per-port connection counts.
    public let tracksConnections: Bool

    /// One example of a skipped line (its line number and text), for the log.
    public private(set) var firstSkippedLine: (number: Int, text: String)?

    private var counts = SocketTableCounts()
    private var stateCounts = [Int](repeating: 0, count: 16)
    private var lineNumber = 0
    private var carry: [UInt8] = []
    private var discardingLongLine = false

    /// The longest line accepted; the kernel's are under 200 bytes.
    static let maximumLineLength = 4096

    public init(table: SocketTable, tracksConnections: Bool) {
        self.table = table
        self.tracksConnections = tracksConnections
    }

    /// Parses the complete lines in `chunk` and keeps a trailing partial line for the next call.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        var start = 0
        while start < chunk.count {
            guard let newline = Self.indexOfNewline(in: chunk, from: start) else {
                keepPartialLine(UnsafeRawBufferPointer(rebasing: chunk[start...]))
                return
            }
            let piece = UnsafeRawBufferPointer(rebasing: chunk[start..<newline])
            if discardingLongLine {
                discardingLongLine = false
                carry.removeAll(keepingCapacity: true)
            } else if carry.isEmpty {
                parseLine(piece)
            } else {
                carry.append(contentsOf: piece)
                let line = carry
                line.withUnsafeBytes { parseLine($0) }
                carry.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
    }

    /// Parses a last line that had no newline and returns everything counted.
    public mutating func finish() -> SocketTableCounts {
        if discardingLongLine {
            discardingLongLine = false
        } else if !carry.isEmpty {
            let line = carry
            line.withUnsafeBytes { parseLine($0) }
        }
        carry = []
        for state in SocketState.allCases where stateCounts[Int(state.rawValue)] > 0 {
            counts.states[state] = stateCounts[Int(state.rawValue)]
        }
        return counts
    }

    /// Parses a whole table given as one buffer.
    public static func parse(_ text: UnsafeRawBufferPointer, table: SocketTable, tracksConnections: Bool)
        -> SocketTableCounts
    {
        var parser = ProcNetParser(table: table, tracksConnections: tracksConnections)
        parser.consume(text)
        return parser.finish()
    }

    private mutating func keepPartialLine(_ rest: UnsafeRawBufferPointer) {
        guard !discardingLongLine else { return }
        if carry.count + rest.count > Self.maximumLineLength {
            lineNumber += 1
            noteSkipped(UnsafeRawBufferPointer(rebasing: rest.prefix(80)))
            discardingLongLine = true
            carry.removeAll(keepingCapacity: true)
        } else {
            carry.append(contentsOf: rest)
        }
    }

    private static func indexOfNewline(in buffer: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard let base = buffer.baseAddress,
            let found = memchrBytes(base + start, UInt8(ascii: "\n"), buffer.count - start)
        else { return nil }
        return found - base
    }

    private mutating func parseLine(_ line: UnsafeRawBufferPointer) {
        lineNumber += 1
        var scanner = LineScanner(bytes: line)
        scanner.skipSpaces()
        if scanner.atEnd { return }
        if lineNumber == 1 && scanner.peek == UInt8(ascii: "s") { return }
        guard let socket = scanner.scanSocketLine(addressHexDigits: table.addressHexDigits),
            let state = SocketState(rawValue: socket.state)
        else {
            noteSkipped(line)
            return
        }
        stateCounts[Int(state.rawValue)] += 1
        switch table.transport {
        case .tcp:
            if state == .listen {
                counts.listeners[
                    ListenerKey(port: socket.localPort, exposure: socket.exposure()), default: 0] += 1
            } else if tracksConnections {
                counts.unresolvedConnections.append(UInt32(socket.localPort) << 8 | UInt32(state.rawValue))
            }
        case .udp:
            if state == .close && socket.remoteIsZero && socket.localPort != 0 {
                counts.listeners[
                    ListenerKey(port: socket.localPort, exposure: socket.exposure()), default: 0] += 1
            }
        }
    }

    private mutating func noteSkipped(_ line: UnsafeRawBufferPointer) {
        counts.skippedLines += 1
        if firstSkippedLine == nil {
            firstSkippedLine = (lineNumber, String(decoding: line.prefix(120), as: UTF8.self))
        }
    }
}
