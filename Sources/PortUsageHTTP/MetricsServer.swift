public import Logging
import NIOConcurrencyHelpers
public import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
public import PortUsageCore
public import PortUsageWebConfig
public import ServiceLifecycle

/// Why the server could not listen on an address.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public var address: ListenAddress
    public var reason: String

    public var description: String { "listen tcp \(address): \(reason)" }
}

/// The HTTP server for `/metrics`, the landing page and the health endpoints, on one event-loop thread,
/// with one blocking lane for collections, one for the answers to collections that overrun, one for
/// reloads and, with basic auth, one for bcrypt.
///
/// As a ``Service`` it serves until graceful shutdown: then it stops accepting, closes idle connections,
/// lets in-flight requests finish for up to ``Configuration/shutdownGrace``, closes the rest and stops.
public final class MetricsServer: Service, Sendable {
    /// Reloads the configuration; the error's description is sent to the client.
    public typealias ReloadAction = @Sendable () throws -> Void

    /// Where and what to serve.
    public struct Configuration: Sendable {
        public var listenAddresses: [ListenAddress]
        public var telemetryPath: String
        /// What `POST /-/reload` runs (blocking is fine: it runs on a lane of its own); nil answers 403, as
        /// Prometheus does without `--web.enable-lifecycle`.
        public var reload: ReloadAction?
        public var limits: ServerLimits
        /// How long in-flight requests may run on at shutdown before they are cut.
        public var shutdownGrace: Duration
        /// HTTPS on every address; nil serves plain HTTP.
        public var tls: TLSContextProvider?
        /// Basic auth in front of every path; nil serves without.
        public var authenticator: BasicAuthenticator?
        /// Added to every response (`http_server_config.headers`).
        public var responseHeaders: [ResponseHeader]

        public init(
            listenAddresses: [ListenAddress], telemetryPath: String, reload: ReloadAction? = nil,
            limits: ServerLimits = ServerLimits(), shutdownGrace: Duration = .seconds(3),
            tls: TLSContextProvider? = nil, authenticator: BasicAuthenticator? = nil,
            responseHeaders: [ResponseHeader] = []
        ) {
            self.listenAddresses = listenAddresses
            self.telemetryPath = telemetryPath
            self.reload = reload
            self.limits = limits
            self.shutdownGrace = shutdownGrace
            self.tls = tls
            self.authenticator = authenticator
            self.responseHeaders = responseHeaders
        }
    }

    /// What a started server holds; created by ``start()`` and released by ``shutdown()``.
    private struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var channels: [any Channel]
        var gate: LoopGate
        var tracker: ConnectionTracker
        var coalescer: ScrapeCoalescer
    }

    private let configuration: Configuration
    private let collector: any ScrapeSource
    private let landingPage: LandingPage
    private let logger: Logger
    private let running = NIOLockedValueBox<Running?>(nil)

    /// Prepares the server to answer scrapes from `collector`; no thread, socket or other resource exists
    /// until ``start()``.
    public init(
        configuration: Configuration, collector: any ScrapeSource, buildInfo: BuildInfo, logger: Logger
    ) {
        self.configuration = configuration
        self.collector = collector
        self.logger = logger
        landingPage = LandingPage(buildInfo: buildInfo, telemetryPath: configuration.telemetryPath)
    }

    /// How many client connections are open.
    public var openConnections: Int { running.withLockedValue { $0?.tracker.count ?? 0 } }

    /// How many collections scrapes have started while the server runs (scrapes that shared one count once).
    public var collectionsStarted: Int { running.withLockedValue { $0?.coalescer.collectionsStarted ?? 0 } }

    /// Serves until graceful shutdown (SIGTERM or SIGINT in a `ServiceGroup`) or cancellation.
    public func run() async throws {
        _ = try await start()
        try? await gracefulShutdown()
        await shutdown()
    }

    /// Starts the event-loop thread and the workers, binds every configured address and serves until
    /// ``shutdown()``; returns the bound addresses. If any address cannot be bound, everything started
    /// is stopped again and the error names the address.
    public func start() async throws -> [SocketAddress] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let gate = LoopGate()
        let collectionWorker = BlockingWorker("collection", gate: gate)
        let fallbackWorker = BlockingWorker("fallback", gate: gate)
        let reloadWorker = BlockingWorker("reload", gate: gate)
        let authenticator = configuration.authenticator.map {
            RequestAuthenticator(authenticator: $0, worker: BlockingWorker("password-check", gate: gate))
        }
        let limits = configuration.limits
        let coalescer = ScrapeCoalescer(
            source: collector, worker: collectionWorker, fallbackWorker: fallbackWorker)
        let scrapes = ScrapeEndpoints(
            coalescer: coalescer, landingPage: landingPage,
            requests: RequestLimiter(limit: limits.maxRequests),
            configuredTimeout: limits.scrapeTimeout)
        let lifecycle = LifecycleEndpoints(
            health: HealthCheck(
                coalescer: coalescer, reloadWorker: reloadWorker,
                stuckAfter: TimeAmount(limits.scrapeTimeout * 3)),
            reloadAction: configuration.reload, reloadWorker: reloadWorker)
        let handler = HTTPHandler.Configuration(
            routes: .exporter(
                telemetryPath: configuration.telemetryPath, scrapes: scrapes, lifecycle: lifecycle),
            authenticator: authenticator, responseHeaders: configuration.responseHeaders)
        let tracker = ConnectionTracker(limit: limits.maxConnections, logger: logger)
        var started = Running(
            group: group, channels: [], gate: gate, tracker: tracker, coalescer: coalescer)
        do {
            for address in configuration.listenAddresses {
                let channel = try await bind(address, group: group, handler: handler, tracker: tracker)
                started.channels.append(channel)
                let bound = ListenAddress(
                    host: address.host ?? channel.localAddress?.ipAddress,
                    port: channel.localAddress?.port ?? address.port)
                logger.info("listening", metadata: ["address": "\(bound)"])
            }
        } catch {
            await Self.stop(started, grace: .zero)
            throw error
        }
        running.withLockedValue { $0 = started }
        return started.channels.compactMap(\.localAddress)
    }

    /// Stops accepting, lets in-flight requests finish within the grace period, then stops the event
    /// loop. Does nothing if not started.
    public func shutdown() async {
        let started = running.withLockedValue { running in
            defer { running = nil }
            return running
        }
        if let started { await Self.stop(started, grace: configuration.shutdownGrace) }
    }

    private static func stop(_ running: Running, grace: Duration) async {
        for channel in running.channels { try? await channel.close() }
        running.tracker.close(includingBusy: false)
        let deadline = NIODeadline.now() + TimeAmount(grace)
        while running.tracker.busyCount > 0 && NIODeadline.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        running.tracker.close(includingBusy: true)
        running.gate.close()
        running.coalescer.abandonWaiters()
        try? await running.group.shutdownGracefully()
    }

    private func bind(
        _ address: ListenAddress, group: MultiThreadedEventLoopGroup, handler: HTTPHandler.Configuration,
        tracker: ConnectionTracker
    ) async throws -> any Channel {
        let bootstrap = makeBootstrap(group: group, handler: handler, tracker: tracker)
        do {
            if let host = address.host {
                return try await bootstrap.bind(host: host, port: address.port).get()
            }
            do {
                return try await bootstrap.bind(host: "::", port: address.port).get()
            } catch let error as IOError
                where error.errnoCode == EAFNOSUPPORT || error.errnoCode == EADDRNOTAVAIL
            {
                return try await bootstrap.bind(host: "0.0.0.0", port: address.port).get()
            }
        } catch let error as IOError {
            throw ListenError(address: address, reason: Self.describe(error))
        } catch {
            throw ListenError(address: address, reason: "\(error)")
        }
    }

    private static func describe(_ error: IOError) -> String {
        switch error.errnoCode {
        case EADDRINUSE: "address already in use"
        case EACCES: "permission denied"
        case EADDRNOTAVAIL: "cannot assign requested address"
        default: "\(error)"
        }
    }

    /// Every option here is one an unprivileged process may set: TCP_NODELAY is at level IPPROTO_TCP (at
    /// SOL_SOCKET the same number is SO_DEBUG, which needs CAP_NET_ADMIN).
    private func makeBootstrap(
        group: MultiThreadedEventLoopGroup, handler: HTTPHandler.Configuration, tracker: ConnectionTracker
    ) -> ServerBootstrap {
        let limits = configuration.limits
        let tls = configuration.tls
        let acceptErrors = AcceptErrorHandler(tracker: tracker, logger: logger)
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        AcceptBackoffHandler(
                            shouldForwardIOErrorCaught: true, backoffProvider: AcceptErrorHandler.backoff),
                        acceptErrors)
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelOption(
                .writeBufferWaterMark,
                value: .init(low: limits.maxPendingResponseBytes / 2, high: limits.maxPendingResponseBytes)
            )
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(tls.makeServerHandler()) }
                    let connection = ConnectionGuard(limits: limits, tracker: tracker)
                    try pipeline.addHandler(connection)
                    // The guard answers 431 past maxHeadBytes after each read; the decoder's own limits
                    // (answered 400) sit one read above, as a second line.
                    var decoderLimits = NIOHTTPDecoderLimitConfiguration()
                    decoderLimits.maxHeaderFieldSize = limits.maxHeadBytes + 65536
                    decoderLimits.maxHeaderListSize = limits.maxHeadBytes + 65536
                    try pipeline.configureHTTPServerPipeline(
                        withErrorHandling: true, withEncoderConfiguration: .init(),
                        withDecoderLimitConfiguration: decoderLimits)
                    let decoder = try pipeline.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
                    try pipeline.addHandler(
                        ConnectionGuard.HeadObserver(connection: connection), position: .after(decoder))
                    try pipeline.addHandler(
                        HTTPResponseCompressor { head, _ in
                            guard head.headers.contains(name: Response.skipCompressionHeader) else {
                                return .compressIfPossible
                            }
                            head.headers.remove(name: Response.skipCompressionHeader)
                            return .doNotCompress
                        })
                    try pipeline.addHandler(HTTPHandler(configuration: handler, connection: connection))
                }
            }
    }
}
