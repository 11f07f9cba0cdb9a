import NIOCore
import NIOHTTP1
import PortUsageCore
import PortUsageWebConfig

/// Answers one connection's requests: metrics, landing page, health, readiness and reload.
///
/// Requests arrive one at a time (the pipeline handler queues pipelined ones); a request's body is ignored.
/// While the connection has too many response bytes unsent, the next request waits, so a client that
/// sends requests and never reads the answers holds at most one response beyond the write-buffer bound.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A header that tells the compressor in front of this handler to leave a response alone.
    static let skipCompressionHeader = "x-port-usage-identity"

    private let routes: Routes
    private let connection: ConnectionGuard
    private var request: HTTPRequestHead?
    /// A whole request that waits for the connection to drain its unsent responses.
    private var waiting: HTTPRequestHead?
    /// The `/metrics` body being written, while the client has not read enough to take the rest.
    private var streaming: StreamedBody?
    /// The bytes of one piece of a streamed body, reused from piece to piece.
    private var piece: [UInt8] = []

    private struct StreamedBody {
        var exposition: ExpositionStream
        var keepAlive: Bool
    }

    init(routes: Routes, connection: ConnectionGuard) {
        self.routes = routes
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
                authenticate(head, context: context)
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
            authenticate(head, context: context)
        }
        context.fireChannelWritabilityChanged()
    }

    /// Answers 401 unless the request's basic-auth credentials are right (when users are configured); only
    /// a pair not seen recently runs bcrypt, on its own worker.
    private func authenticate(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let (authenticator, worker) = routes.authentication else {
            return respond(to: head, context: context)
        }
        let authorization = head.headers.first(name: "Authorization")
        if let accepted = authenticator.cachedDecision(authorization: authorization) {
            return decide(accepted, head, context: context)
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        worker.run(
            on: context.eventLoop, { authenticator.verify(authorization: authorization) },
            then: { result in
                let (handler, context) = bound.value
                handler.decide((try? result.get()) ?? false, head, context: context)
            })
    }

    private func decide(_ accepted: Bool, _ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard accepted else {
            var headers = HTTPHeaders()
            headers.add(name: "WWW-Authenticate", value: "Basic")
            return send(
                .plain(.unauthorized, "Unauthorized\n", headers: headers), for: head, context: context)
        }
        respond(to: head, context: context)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let target = RequestTarget(head.uri)
        let allowed: [HTTPMethod] = target.path == "/-/reload" ? [.POST] : [.GET, .HEAD]
        guard allowed.contains(head.method) else {
            var headers = HTTPHeaders()
            headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            send(
                .plain(.methodNotAllowed, "Method Not Allowed\n", headers: headers), for: head,
                context: context)
            return
        }
        switch target.path {
        case "/-/reload":
            reload(for: head, context: context)
        case routes.telemetryPath:
            let format = ExpositionFormat.negotiate(accept: head.headers.first(name: "Accept"))
            let selection: CollectorFilter.Selection
            do {
                selection = try CollectorFilter.selection(
                    for: target, enabled: routes.coalescer.collectorNames,
                    known: CollectorName.allCases.map(\.rawValue))
            } catch {
                return send(.plain(.badRequest, error.message + "\n"), for: head, context: context)
            }
            respondWithScrape(to: head, context: context) { scrape in
                var scrape = scrape
                if case .only(let collectors) = selection { scrape = scrape.keeping(collectors: collectors) }
                return Response(
                    status: .ok, contentType: format.contentType,
                    body: .exposition(ExpositionStream(scrape.families, format: format)))
            }
        case "/":
            respondWithScrape(to: head, context: context) { [landingPage = routes.landingPage] scrape in
                var headers = HTTPHeaders()
                headers.add(name: "Content-Security-Policy", value: LandingPage.contentSecurityPolicy)
                return Response(
                    status: .ok, contentType: "text/html; charset=utf-8",
                    body: .bytes(ByteBuffer(string: landingPage.render(scrape))), headers: headers)
            }
        case "/-/healthy":
            if let problem = routes.health.problem() {
                send(.plain(.serviceUnavailable, "Unhealthy: \(problem)\n"), for: head, context: context)
            } else {
                send(.plain(.ok, "Healthy\n"), for: head, context: context)
            }
        case "/-/ready":
            send(.plain(.ok, "Ready\n"), for: head, context: context)
        default:
            send(.plain(.notFound, "Not Found\n"), for: head, context: context)
        }
    }

    /// Runs the reload action on the reload worker: 200 when it succeeded, 500 with the reason when not.
    /// Refused unless the lifecycle API is on, and refused for cross-site requests.
    private func reload(for head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let action = routes.reload else {
            send(.plain(.forbidden, "Lifecycle API is not enabled.\n"), for: head, context: context)
            return
        }
        guard !CrossSiteCheck.isCrossSite(head.headers) else {
            send(.plain(.forbidden, "Cross-site requests are refused.\n"), for: head, context: context)
            return
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        routes.reloadWorker.run(
            on: context.eventLoop, action,
            then: { result in
                let (handler, context) = bound.value
                switch result {
                case .success:
                    handler.send(.plain(.ok, ""), for: head, context: context)
                case .failure(let error):
                    handler.send(
                        .plain(.internalServerError, "failed to reload config: \(error)\n"), for: head,
                        context: context)
                }
            })
    }

    private func respondWithScrape(
        to head: HTTPRequestHead, context: ChannelHandlerContext,
        render: @escaping @Sendable (Scrape) -> Response
    ) {
        guard routes.requests.enter() else {
            let limit = routes.requests.limit
            send(
                .plain(
                    .serviceUnavailable,
                    "Limit of concurrent requests reached (\(limit)), try again later.\n"),
                for: head, context: context)
            return
        }
        let timeout = routes.scrapeTimeout(
            requested: head.headers.first(name: "X-Prometheus-Scrape-Timeout-Seconds"))
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        routes.coalescer.scrape(on: context.eventLoop, timeout: timeout) {
            [requests = routes.requests] scrape in
            requests.leave()
            let (handler, context) = bound.value
            handler.send(render(scrape), for: head, context: context)
        }
    }

    private func send(_ response: Response, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let isHead = request.method == .HEAD
        // A streamed body has no length: to an HTTP/1.0 client it ends with the connection.
        let streamed = !isHead && response.body.isExposition
        let keepAlive =
            request.isKeepAlive && !(streamed && (request.version.major, request.version.minor) < (1, 1))
        var headers = response.headers
        for header in routes.responseHeaders { headers.replaceOrAdd(name: header.name, value: header.value) }
        headers.replaceOrAdd(name: "Content-Type", value: response.contentType)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        switch response.body {
        case .bytes(let body):
            headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            if isHead || body.readableBytes < 1024 {
                headers.add(name: Self.skipCompressionHeader, value: "1")
            }
        case .exposition(let exposition):
            if isHead {
                headers.replaceOrAdd(name: "Content-Length", value: String(exposition.encodedSize()))
                headers.add(name: Self.skipCompressionHeader, value: "1")
            }
        }
        let responseHead = HTTPResponseHead(
            version: request.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        switch response.body {
        case .bytes(let body) where !isHead:
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        case .exposition(let exposition) where !isHead:
            streaming = StreamedBody(exposition: exposition, keepAlive: keepAlive)
            return writeStreamedBody(context: context)
        default:
            break
        }
        end(keepAlive: keepAlive, context: context)
    }

    /// Writes pieces of the streamed body while the connection takes them (the kernel's send buffer
    /// included); the rest waits until the client has read enough to make the channel writable again.
    private func writeStreamedBody(context: ChannelHandlerContext) {
        while var body = streaming, context.channel.isWritable {
            piece.removeAll(keepingCapacity: true)
            body.exposition.append(upTo: ExpositionStream.pieceSize, to: &piece)
            streaming = body.exposition.isComplete ? nil : body
            let buffer = context.channel.allocator.buffer(bytes: piece)
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            if body.exposition.isComplete { end(keepAlive: body.keepAlive, context: context) }
        }
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

/// A response before it is written.
struct Response: Sendable {
    /// What a response carries.
    enum Body: Sendable {
        /// Bytes written at once.
        case bytes(ByteBuffer)
        /// A metrics exposition, written a piece at a time as the client reads (chunked).
        case exposition(ExpositionStream)

        var isExposition: Bool {
            if case .exposition = self { return true }
            return false
        }
    }

    var status: HTTPResponseStatus
    var contentType: String
    var body: Body
    var headers = HTTPHeaders()

    static func plain(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = HTTPHeaders())
        -> Response
    {
        Response(
            status: status, contentType: "text/plain; charset=utf-8", body: .bytes(ByteBuffer(string: text)),
            headers: headers
        )
    }
}
