import NIOCore
import NIOHTTP1
import PortUsageWebConfig

/// Answers one connection's requests: authenticates each (when users are configured), finds its route
/// in the table, and writes the route's response, streaming a metrics body as the client reads.
///
/// Requests arrive one at a time (the pipeline handler queues pipelined ones); a request's body is ignored.
/// While the connection has too many response bytes unsent, the next request waits, so a client that
/// sends requests and never reads the answers holds at most one response beyond the write-buffer bound.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What every connection's handler shares.
    struct Configuration: Sendable {
        let routes: RouteTable
        /// Nil when no users are configured.
        let authenticator: RequestAuthenticator?
        /// Added to every response (`http_server_config.headers`).
        let responseHeaders: [ResponseHeader]
    }

    private let configuration: Configuration
    private let connection: ConnectionGuard
    private var request: HTTPRequestHead?
    /// A whole request that waits for the connection to drain its unsent responses.
    private var waiting: HTTPRequestHead?
    /// The `/metrics` body being written, while the client has not read enough to take the rest.
    private var streaming: StreamedBodyWriter?

    init(configuration: Configuration, connection: ConnectionGuard) {
        self.configuration = configuration
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            connection.requestReceived()
            if context.channel.isWritable {
                handle(head, context: context)
            } else {
                waiting = head
            }
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if streaming != nil {
            writeStreamedBody(context: context)
        } else if context.channel.isWritable, let head = waiting {
            waiting = nil
            handle(head, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Answers 401 unless the request's credentials are accepted, else routes it.
    private func handle(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let authenticator = configuration.authenticator else {
            return route(head, context: context)
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        authenticator.check(head, on: context.eventLoop) { accepted in
            let (handler, context) = bound.value
            guard accepted else {
                return handler.send(
                    .plain(.unauthorized, "Unauthorized\n", headers: RequestAuthenticator.challenge),
                    for: head,
                    context: context)
            }
            handler.route(head, context: context)
        }
    }

    /// Answers the request by its route, or 404 or 405 when the table has none for it.
    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let target = RequestTarget(head.uri)
        switch configuration.routes.resolve(path: target.path, method: head.method) {
        case .route(let route):
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            route.handle(Route.Request(head: head, target: target, eventLoop: context.eventLoop)) {
                response in
                let (handler, context) = bound.value
                handler.send(response, for: head, context: context)
            }
        case .methodNotAllowed(let allowed):
            let headers: HTTPHeaders = ["Allow": allowed.map(\.rawValue).joined(separator: ", ")]
            send(
                .plain(.methodNotAllowed, "Method Not Allowed\n", headers: headers), for: head,
                context: context)
        case .notFound:
            send(.plain(.notFound, "Not Found\n"), for: head, context: context)
        }
    }

    private func send(_ response: Response, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let (head, keepAlive) = response.head(answering: request, adding: configuration.responseHeaders)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        switch response.body {
        case .bytes(let body) where request.method != .HEAD:
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .exposition(let exposition) where request.method != .HEAD:
            streaming = StreamedBodyWriter(exposition, keepAlive: keepAlive)
            return writeStreamedBody(context: context)
        default:
            break
        }
        end(keepAlive: keepAlive, context: context)
    }

    /// Writes what the connection takes of the streamed body now, and ends the response once all is written
    /// (unless the connection closed meanwhile).
    private func writeStreamedBody(context: ChannelHandlerContext) {
        guard let writer = streaming, writer.writeWhileWritable(context: context), streaming === writer else {
            return
        }
        streaming = nil
        end(keepAlive: writer.keepAlive, context: context)
    }

    private func end(keepAlive: Bool, context: ChannelHandlerContext) {
        let connection = self.connection
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            connection.responseWritten(keepAlive: keepAlive)
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        streaming = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
