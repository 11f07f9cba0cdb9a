import NIOCore
import NIOHTTP1
import NIOPosix
import PortUsageCore
import PortUsageWebConfig

/// Answers one connection's requests: metrics, landing page, health, readiness and reload.
///
/// Requests arrive one at a time (the pipeline handler queues pipelined ones); a request's body is ignored.
final class HTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A header that tells the compressor in front of this handler to leave a response alone.
    static let skipCompressionHeader = "x-port-usage-identity"

    private let routes: Routes
    private var request: HTTPRequestHead?

    init(routes: Routes) {
        self.routes = routes
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
            authenticate(head, context: context)
        }
    }

    /// Answers 401 unless the request's basic-auth credentials are right (when users are configured); only
    /// a pair not seen recently runs bcrypt, on its own thread.
    private func authenticate(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let (authenticator, pool) = routes.authentication else {
            return respond(to: head, context: context)
        }
        let authorization = head.headers.first(name: "Authorization")
        let decide = { (accepted: Bool) in
            guard accepted else {
                var headers = HTTPHeaders()
                headers.add(name: "WWW-Authenticate", value: "Basic")
                return self.send(
                    .plain(.unauthorized, "Unauthorized\n", headers: headers), for: head, context: context)
            }
            self.respond(to: head, context: context)
        }
        if let decision = authenticator.cachedDecision(authorization: authorization) {
            return decide(decision)
        }
        pool.runIfActive(eventLoop: context.eventLoop) { authenticator.verify(authorization: authorization) }
            .assumeIsolated().whenComplete { result in decide((try? result.get()) ?? false) }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(
            String.init)
        let allowed: [HTTPMethod] = path == "/-/reload" ? [.POST, .PUT] : [.GET, .HEAD]
        guard allowed.contains(head.method) else {
            var headers = HTTPHeaders()
            headers.add(name: "Allow", value: allowed.map(\.rawValue).joined(separator: ", "))
            send(
                .plain(.methodNotAllowed, "Method Not Allowed\n", headers: headers), for: head,
                context: context)
            return
        }
        switch path {
        case "/-/reload":
            reload(for: head, context: context)
        case routes.telemetryPath?:
            let format = ExpositionFormat.negotiate(accept: head.headers.first(name: "Accept"))
            respondWithScrape(to: head, context: context) { scrape in
                Response(
                    status: .ok, contentType: format.contentType,
                    body: ExpositionEncoder.encode(scrape.families, format: format))
            }
        case "/":
            respondWithScrape(to: head, context: context) { scrape in
                Response(
                    status: .ok, contentType: "text/html; charset=utf-8",
                    body: Array(self.routes.landingPage.render(scrape).utf8))
            }
        case "/-/healthy":
            send(.plain(.ok, "Healthy\n"), for: head, context: context)
        case "/-/ready":
            send(.plain(.ok, "Ready\n"), for: head, context: context)
        default:
            send(.plain(.notFound, "Not Found\n"), for: head, context: context)
        }
    }

    /// Runs the reload action on the thread pool: 200 when it succeeded, 500 with the reason when not.
    private func reload(for head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard let action = routes.reload else {
            send(.plain(.forbidden, "Lifecycle API is not enabled.\n"), for: head, context: context)
            return
        }
        routes.threadPool.runIfActive(eventLoop: context.eventLoop) { try action() }.assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success:
                    self.send(.plain(.ok, ""), for: head, context: context)
                case .failure(let error):
                    self.send(
                        .plain(.internalServerError, "failed to reload config: \(error)\n"), for: head,
                        context: context)
                }
            }
    }

    private func respondWithScrape(
        to head: HTTPRequestHead, context: ChannelHandlerContext, render: @escaping (Scrape) -> Response
    ) {
        routes.coalescer.scrape(on: context.eventLoop, threadPool: routes.threadPool).assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let scrape):
                    self.send(render(scrape), for: head, context: context)
                case .failure(let error):
                    self.send(
                        .plain(.serviceUnavailable, "collection failed: \(error)\n"), for: head,
                        context: context)
                }
            }
    }

    private func send(_ response: Response, for request: HTTPRequestHead, context: ChannelHandlerContext) {
        let keepAlive = request.isKeepAlive
        var headers = response.headers
        for header in routes.responseHeaders { headers.replaceOrAdd(name: header.name, value: header.value) }
        headers.replaceOrAdd(name: "Content-Type", value: response.contentType)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        let isHead = request.method == .HEAD
        if isHead || response.body.count < 1024 { headers.add(name: Self.skipCompressionHeader, value: "1") }
        let responseHead = HTTPResponseHead(
            version: request.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !isHead {
            context.write(
                wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))),
                promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// What the handler serves, shared by all connections.
struct Routes: Sendable {
    let telemetryPath: String
    let coalescer: ScrapeCoalescer
    /// Where collections run, off the event loop: reading /proc blocks.
    let threadPool: NIOThreadPool
    let landingPage: LandingPage
    /// `POST /-/reload`; nil when the lifecycle API is off.
    let reload: MetricsServer.ReloadAction?
    /// Basic auth and the thread its bcrypt runs on; nil when no users are configured.
    let authentication: (BasicAuthenticator, NIOThreadPool)?
    let responseHeaders: [ResponseHeader]
}

/// A response before it is written.
struct Response {
    var status: HTTPResponseStatus
    var contentType: String
    var body: [UInt8]
    var headers = HTTPHeaders()

    static func plain(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = HTTPHeaders())
        -> Response
    {
        Response(
            status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8), headers: headers
        )
    }
}
