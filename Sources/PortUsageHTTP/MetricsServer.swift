public import Logging
public import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL
public import PortUsageCore
public import PortUsageWebConfig
import Synchronization

/// Why the server could not listen on an address.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public var address: ListenAddress
    public var reason: String

    public var description: String { "listen tcp \(address): \(reason)" }
}

/// The HTTP server for `/metrics`, the landing page and the health endpoints, on one event-loop thread.
public final class MetricsServer: Sendable {
    /// Where and what to serve.
    /// Reloads the configuration; the error's description is sent to the client.
    public typealias ReloadAction = @Sendable () throws -> Void

    public struct Configuration: Sendable {
        public var listenAddresses: [ListenAddress]
        public var telemetryPath: String
        /// What `POST /-/reload` runs (blocking is fine: it runs off the event loop); nil answers 403, as
        /// Prometheus does without `--web.enable-lifecycle`.
        public var reload: ReloadAction?
        /// HTTPS on every address; nil serves plain HTTP.
        public var tls: TLSContextProvider?
        /// Basic auth in front of every path; nil serves without.
        public var authenticator: BasicAuthenticator?
        /// Added to every response (`http_server_config.headers`).
        public var responseHeaders: [ResponseHeader]

        public init(
            listenAddresses: [ListenAddress], telemetryPath: String, reload: ReloadAction? = nil,
            tls: TLSContextProvider? = nil, authenticator: BasicAuthenticator? = nil,
            responseHeaders: [ResponseHeader] = []
        ) {
            self.listenAddresses = listenAddresses
            self.telemetryPath = telemetryPath
            self.reload = reload
            self.tls = tls
            self.authenticator = authenticator
            self.responseHeaders = responseHeaders
        }
    }

    /// What a started server holds; created by ``start()`` and released by ``shutdown()``.
    private struct Running {
        var group: MultiThreadedEventLoopGroup
        var threadPool: NIOThreadPool
        /// Where bcrypt runs (with basic auth), so that a password check never waits for a collection or
        /// the reverse.
        var authenticationPool: NIOThreadPool?
        var channels: [any Channel]
    }

    private let configuration: Configuration
    private let coalescer: ScrapeCoalescer
    private let landingPage: LandingPage
    private let logger: Logger
    private let running = Mutex<Running?>(nil)

    /// Prepares the server; no thread, socket or other resource exists until ``start()``.
    public init(
        configuration: Configuration, collector: PortUsageCollector, buildInfo: BuildInfo, logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        coalescer = ScrapeCoalescer(collector: collector)
        landingPage = LandingPage(buildInfo: buildInfo, telemetryPath: configuration.telemetryPath)
    }

    /// How many collections scrapes have started (scrapes that shared one count once).
    public var collectionsStarted: Int { coalescer.collectionsStarted }

    /// Starts one event-loop thread, one collection thread and, with basic auth, one bcrypt thread, binds
    /// every configured address and serves until ``shutdown()``; returns the bound addresses. If any address
    /// cannot be bound, everything started is stopped again and the error names the address.
    public func start() async throws -> [SocketAddress] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        let authentication = configuration.authenticator.map { authenticator in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            return (authenticator, pool)
        }
        let authenticationPool = authentication?.1
        let routes = Routes(
            telemetryPath: configuration.telemetryPath, coalescer: coalescer, threadPool: threadPool,
            landingPage: landingPage, reload: configuration.reload, authentication: authentication,
            responseHeaders: configuration.responseHeaders)
        var channels: [any Channel] = []
        do {
            for address in configuration.listenAddresses {
                let channel = try await bind(address, group: group, routes: routes)
                channels.append(channel)
                let bound = ListenAddress(
                    host: address.host ?? channel.localAddress?.ipAddress,
                    port: channel.localAddress?.port ?? address.port)
                logger.info("listening", metadata: ["address": "\(bound)"])
            }
        } catch {
            await Self.stop(
                Running(
                    group: group, threadPool: threadPool, authenticationPool: authenticationPool,
                    channels: channels))
            throw error
        }
        running.withLock {
            $0 = Running(
                group: group, threadPool: threadPool, authenticationPool: authenticationPool,
                channels: channels)
        }
        return channels.compactMap(\.localAddress)
    }

    /// Stops listening, then stops the event loop and the collection thread. Does nothing if not started.
    public func shutdown() async {
        let started = running.withLock { running in
            defer { running = nil }
            return running
        }
        if let started { await Self.stop(started) }
    }

    private static func stop(_ running: Running) async {
        for channel in running.channels { try? await channel.close() }
        try? await running.group.shutdownGracefully()
        try? await running.threadPool.shutdownGracefully()
        try? await running.authenticationPool?.shutdownGracefully()
    }

    private func bind(_ address: ListenAddress, group: MultiThreadedEventLoopGroup, routes: Routes)
        async throws
        -> any Channel
    {
        let bootstrap = Self.makeBootstrap(group: group, routes: routes, tls: configuration.tls)
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

    private static func makeBootstrap(
        group: MultiThreadedEventLoopGroup, routes: Routes, tls: TLSContextProvider?
    ) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls { try pipeline.addHandler(tls.makeServerHandler()) }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(
                        HTTPResponseCompressor { head, _ in
                            guard head.headers.contains(name: HTTPHandler.skipCompressionHeader) else {
                                return .compressIfPossible
                            }
                            head.headers.remove(name: HTTPHandler.skipCompressionHeader)
                            return .doNotCompress
                        })
                    try pipeline.addHandler(HTTPHandler(routes: routes))
                }
            }
    }
}
