import NIOCore
import NIOHTTP1

/// The first handler of every connection: it admits the connection, enforces the request-head size, the
/// header and idle timeouts, and stops reading while too many response bytes wait to be sent (closing the
/// connection when the client has read nothing of them for the idle timeout).
///
/// A ``HeadObserver`` right after the HTTP decoder tells it when a request head has been parsed, and the
/// HTTP handler tells it when a request is complete and when its response is written; all run on the
/// connection's event loop.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The raw answer to a request head past the limit; the connection is closed after it.
    static let headTooLarge = Array(
        "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8)

    fileprivate let limits: ServerLimits
    private let tracker: ConnectionTracker
    private var context: ChannelHandlerContext?
    private var headBytes = 0
    private var awaitingRequest = true
    /// Waiting for a keep-alive connection's next request (the idle timeout runs, not the header timeout).
    private var waitingIdle = false
    private var deadline: Scheduled<Void>?
    private var readPending = false
    /// Closes a connection whose client has not read its responses for the idle timeout.
    private var stalled: Scheduled<Void>?
    fileprivate private(set) var closing = false

    init(limits: ServerLimits, tracker: ConnectionTracker) {
        self.limits = limits
        self.tracker = tracker
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        guard tracker.admit(context.channel) else {
            closing = true
            context.close(promise: nil)
            return
        }
        arm(TimeAmount(limits.headerTimeout))
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        stalled?.cancel()
        tracker.remove(context.channel)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        stalled?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        let bytes = unwrapInboundIn(data).readableBytes
        if awaitingRequest && headBytes == 0 && bytes > 0 {
            tracker.update(context.channel, to: .partial)
            if waitingIdle {
                // The first byte of the next request: it must arrive whole within the header timeout.
                waitingIdle = false
                arm(TimeAmount(limits.headerTimeout))
            }
        }
        // Heads parsed from these bytes (pipelined requests) reset the count as they pass the decoder;
        // what remains counts toward the next head.
        headBytes += bytes
        context.fireChannelRead(data)
        if headBytes > limits.maxHeadBytes { refuseOversizedHead() }
    }

    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            context.read()
        } else {
            readPending = true
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stalled?.cancel()
            stalled = nil
            if readPending {
                readPending = false
                context.read()
            }
        } else if stalled == nil {
            stalled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.idleTimeout)) {
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    /// The head of a request was parsed: its bytes no longer count toward the next head.
    fileprivate func requestHeadParsed() {
        headBytes = 0
    }

    /// A whole request has arrived: no deadline while it is answered.
    func requestReceived() {
        awaitingRequest = false
        deadline?.cancel()
        deadline = nil
        if let channel = context?.channel { tracker.update(channel, to: .busy) }
    }

    /// The response to the last request was written; a kept-alive connection waits for the next request.
    func responseWritten(keepAlive: Bool) {
        guard keepAlive, let channel = context?.channel else { return }
        awaitingRequest = true
        waitingIdle = headBytes == 0
        tracker.update(channel, to: headBytes == 0 ? .idle : .partial)
        arm(TimeAmount(headBytes == 0 ? limits.idleTimeout : limits.headerTimeout))
    }

    private func arm(_ timeout: TimeAmount) {
        deadline?.cancel()
        guard let context else { return }
        let loop = context.eventLoop.assumeIsolated()
        deadline = loop.scheduleTask(in: timeout) { [self] in
            guard awaitingRequest, let context = self.context else { return }
            context.close(promise: nil)
        }
    }

    /// Answers 431 and closes the connection; what else the client sent is dropped.
    fileprivate func refuseOversizedHead() {
        guard !closing, let context else { return }
        closing = true
        deadline?.cancel()
        let answer = context.channel.allocator.buffer(bytes: Self.headTooLarge)
        context.writeAndFlush(wrapOutboundOut(answer)).assumeIsolated().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

extension ConnectionGuard {
    /// Sits right after the HTTP decoder and tells the guard of every request head it parses, including
    /// pipelined ones that wait in the pipeline handler.
    final class HeadObserver: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart

        private let connection: ConnectionGuard

        init(connection: ConnectionGuard) {
            self.connection = connection
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) {
                // A head that arrived in one read is measured here; one still arriving, by the raw count.
                let size =
                    head.uri.utf8.count
                    + head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
                guard size <= connection.limits.maxHeadBytes else {
                    connection.refuseOversizedHead()
                    return
                }
                connection.requestHeadParsed()
            }
            guard !connection.closing else { return }
            context.fireChannelRead(data)
        }
    }
}
