#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Creates a `NETLINK_SOCK_DIAG` socket for reads of a table (`SOCK_DGRAM`, close-on-exec), unbound; throws
/// when it cannot. A socket answers about the network namespace it was created in.
typealias SockDiagSocketOpener = @Sendable (SocketTable) throws(SocketSourceError) -> Int32

/// Opens a sock_diag socket in the calling thread's network namespace.
let openSockDiagSocket: SockDiagSocketOpener = { (table) throws(SocketSourceError) in
    let socketType = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    let opened = socket(AF_NETLINK, socketType, SockDiagLayout.netlinkSockDiag)
    guard opened >= 0 else { throw .netlink(table: table, operation: "socket", errno: errno) }
    return opened
}

/// One `NETLINK_SOCK_DIAG` socket: opened on first use, kept across dumps, closed after a dump that failed
/// before its end so that the next dump never reads a stale reply. Each dump receives into a buffer of its
/// own, so an idle channel holds no more than its socket.
///
/// Not thread-safe: ``NetlinkSocketSource`` holds it under a mutex.
struct SockDiagChannel: ~Copyable {
    /// The socket, or -1 before it is opened and after a failed dump.
    private(set) var descriptor: Int32 = -1
    /// The socket's netlink port id, which the kernel puts in every reply.
    private(set) var portID: UInt32 = 0
    /// The number requested of `SO_RCVBUF` (best effort: an unprivileged socket gets at most
    /// `net.core.rmem_max`).
    let socketBufferSize: Int
    private var nextSequence: UInt32 = 1
    /// The size of each dump's receive buffer.
    let bufferSize: Int
    private let opener: SockDiagSocketOpener

    /// A channel that receives into a buffer of `bufferSize` bytes, on sockets made by `opener`. The
    /// kernel sends dump batches of at most 32 KiB (and at least one page); a datagram larger than the
    /// buffer fails the dump rather than being parsed in part.
    init(bufferSize: Int, socketBufferSize: Int, opener: @escaping SockDiagSocketOpener = openSockDiagSocket)
    {
        precondition(bufferSize >= 256, "the receive buffer must hold at least a few messages")
        self.bufferSize = bufferSize
        self.socketBufferSize = socketBufferSize
        self.opener = opener
    }

    deinit {
        if descriptor >= 0 { closeDescriptor(descriptor) }
    }

    /// Sends `request` (with `sequence` in its header) and streams the reply into `consumer`.
    ///
    /// Returns the parser at the end of the dump (its report, and whether the dump was interrupted).
    /// Throws when the socket cannot be used, the kernel answers with an error, the reply is malformed or
    /// truncated, or `deadline` passes; the socket is closed if the dump was not read to its end.
    mutating func dump<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, request: [UInt8], sequence: UInt32, deadline: ContinuousClock.Instant?,
        start: ContinuousClock.Instant, into consumer: inout Consumer
    ) throws(SocketSourceError) -> InetDiagReplyParser {
        try open(for: table)
        var parser = InetDiagReplyParser(table: table, sequence: sequence, portID: portID)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        do throws(SocketSourceError) {
            try send(request, table: table)
            while !parser.isDone {
                let (count, sender) = try receive(table, into: buffer, deadline: deadline, start: start)
                guard sender == 0 else {
                    parser.noteSkipped(number: parser.messageCount, "a datagram from netlink port \(sender)")
                    continue
                }
                try parser.parse(UnsafeRawBufferPointer(rebasing: buffer[..<count]), into: &consumer)
            }
        } catch {
            if !parser.isDone { close() }
            throw error
        }
        return parser
    }

    /// A new sequence number for the next request.
    mutating func takeSequence() -> UInt32 {
        defer { nextSequence &+= 1 }
        return nextSequence
    }

    /// Closes the socket; the next dump opens a new one.
    mutating func close() {
        guard descriptor >= 0 else { return }
        closeDescriptor(descriptor)
        descriptor = -1
        portID = 0
    }

    /// Opens and binds the socket unless it is open, and learns its port id.
    private mutating func open(for table: SocketTable) throws(SocketSourceError) {
        guard descriptor < 0 else { return }
        let opened = try opener(table)
        var size = Int32(clamping: socketBufferSize)
        _ = setsockopt(opened, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.netlinkAddress(portID: 0)
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                guard bind(opened, address, Self.netlinkAddressLength) == 0 else { return false }
                return getsockname(opened, address, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            closeDescriptor(opened)
            throw .netlink(table: table, operation: "bind", errno: code)
        }
        descriptor = opened
        portID = Self.portID(of: address)
    }

    private func send(_ request: [UInt8], table: SocketTable) throws(SocketSourceError) {
        var kernel = Self.netlinkAddress(portID: 0)
        while true {
            let sent = request.withUnsafeBytes { bytes in
                withUnsafePointer(to: &kernel) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor, bytes.baseAddress, bytes.count, 0, $0, Self.netlinkAddressLength)
                    }
                }
            }
            if sent == request.count { return }
            if sent < 0 && errno == EINTR { continue }
            throw .netlink(table: table, operation: "sendto", errno: sent < 0 ? errno : EMSGSIZE)
        }
    }

    /// Waits for the next datagram and receives it into the buffer; returns its length and the sender's
    /// port id (0 for the kernel).
    private func receive(
        _ table: SocketTable, into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant?,
        start: ContinuousClock.Instant
    )
        throws(SocketSourceError) -> (count: Int, sender: UInt32)
    {
        while true {
            var timeout: Int32 = -1
            if let deadline {
                let now = ContinuousClock.now
                guard now < deadline else { throw .timedOut(table: table, elapsed: now - start) }
                timeout = Self.milliseconds(deadline - now)
            }
            var sender = sockaddr_storage()
            var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
            let (received, flags) = withUnsafeMutablePointer(to: &sender) { senderPointer in
                withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_name = UnsafeMutableRawPointer(senderPointer)
                    message.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    let received = recvmsg(descriptor, &message, Int32(MSG_DONTWAIT))
                    return (received, message.msg_flags)
                }
            }
            if received >= 0 {
                guard flags & Int32(MSG_TRUNC) == 0 else {
                    throw .malformedReply(
                        table: table,
                        reason: "a datagram was larger than the \(buffer.count)-byte receive buffer")
                }
                return (received, Self.portID(of: sender))
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                if poll(&poller, 1, timeout) < 0 && errno != EINTR {
                    throw .netlink(table: table, operation: "poll", errno: errno)
                }
            default:
                throw .netlink(table: table, operation: "recvmsg", errno: errno)
            }
        }
    }

    /// `struct sockaddr_nl` (`nl_family` u16 @0, `nl_pad` u16 @2, `nl_pid` u32 @4, `nl_groups` u32 @8) in
    /// a `sockaddr_storage`; Glibc's module does not export the struct.
    private static func netlinkAddress(portID: UInt32) -> sockaddr_storage {
        var storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.storeBytes(of: UInt16(AF_NETLINK), toByteOffset: 0, as: UInt16.self)
            raw.storeBytes(of: portID, toByteOffset: 4, as: UInt32.self)
        }
        return storage
    }

    private static let netlinkAddressLength = socklen_t(12)

    private static func portID(of address: sockaddr_storage) -> UInt32 {
        withUnsafeBytes(of: address) { $0.load(fromByteOffset: 4, as: UInt32.self) }
    }

    /// `duration` in whole milliseconds, rounded up so a wait never ends before the deadline.
    private static func milliseconds(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: max(milliseconds, 0))
    }
}

/// libc's `close`, by a name that the channel's own `close()` does not hide.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
