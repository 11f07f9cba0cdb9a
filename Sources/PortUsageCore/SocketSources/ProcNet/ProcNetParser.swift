/// Parses the text of `/proc/net/{tcp,tcp6,udp,udp6}` into ``SocketRecord``s, on raw bytes.
///
/// Input arrives in chunks of any size (``consume(_:into:)``); lines may span chunks. The columns up to the
/// inode are read (`sl`, `local_address`, `rem_address`, `st`, `tx_queue:rx_queue`, `uid`, `inode`), and
/// a UDP line's last column (`drops`); the rest of a line is not looked at. A line whose first five
/// columns do not have the shape the kernel prints (`net/ipv4/tcp_ipv4.c`, `get_tcp4_sock`) is skipped
/// and counted in ``report``; it never yields a record.
///
/// Addresses are hex words in host byte order (one for IPv4, four for IPv6); ports are printed after
/// `ntohs`, so their hex is the port number itself.
public struct ProcNetParser: Sendable {
    /// The table whose text this parser reads.
    public let table: SocketTable
    /// The lines skipped so far, with the first one as an example.
    public private(set) var report = TableReadReport()

    private var lineNumber = 0
    private var carry: [UInt8] = []
    private var discardingLongLine = false

    /// The longest line accepted; the kernel's are under 200 bytes.
    static let maximumLineLength = 4096

    public init(table: SocketTable) {
        self.table = table
    }

    /// Parses the complete lines in `chunk` into `consumer` and keeps a trailing partial line for the next
    /// call.
    public mutating func consume<Consumer: SocketRecordConsumer>(
        _ chunk: UnsafeRawBufferPointer, into consumer: inout Consumer
    ) {
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
                parseLine(piece, into: &consumer)
            } else {
                carry.append(contentsOf: piece)
                let line = carry
                line.withUnsafeBytes { parseLine($0, into: &consumer) }
                carry.removeAll(keepingCapacity: true)
            }
            start = newline + 1
        }
    }

    /// Parses a last line that had no newline; returns the report of the whole table.
    public mutating func finish<Consumer: SocketRecordConsumer>(into consumer: inout Consumer)
        -> TableReadReport
    {
        if discardingLongLine {
            discardingLongLine = false
        } else if !carry.isEmpty {
            let line = carry
            line.withUnsafeBytes { parseLine($0, into: &consumer) }
        }
        carry = []
        return report
    }

    /// Parses a whole table given as one buffer.
    public static func parse<Consumer: SocketRecordConsumer>(
        _ text: UnsafeRawBufferPointer, table: SocketTable, into consumer: inout Consumer
    ) -> TableReadReport {
        var parser = ProcNetParser(table: table)
        parser.consume(text, into: &consumer)
        return parser.finish(into: &consumer)
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

    private mutating func parseLine<Consumer: SocketRecordConsumer>(
        _ line: UnsafeRawBufferPointer, into consumer: inout Consumer
    ) {
        lineNumber += 1
        var scanner = LineScanner(bytes: line)
        scanner.skipSpaces()
        if scanner.atEnd { return }
        if lineNumber == 1 && scanner.peek == UInt8(ascii: "s") { return }
        guard let socket = scanner.scanSocketLine(family: table.family, drops: table.transport == .udp),
            let state = SocketState(rawValue: socket.state)
        else {
            noteSkipped(line)
            return
        }
        consumer.consume(
            SocketRecord(
                transport: table.transport, state: state, localAddress: socket.localAddress,
                localPort: socket.localPort, remoteAddress: socket.remoteAddress,
                remotePort: socket.remotePort,
                inode: socket.inode, uid: socket.uid, receiveQueue: socket.receiveQueue,
                sendQueue: state == .listen ? nil : socket.transmitQueue, drops: socket.drops))
    }

    private mutating func noteSkipped(_ line: UnsafeRawBufferPointer) {
        report.skipped += 1
        if report.firstSkipped == nil {
            report.firstSkipped = (lineNumber, String(decoding: line.prefix(120), as: UTF8.self))
        }
    }
}
