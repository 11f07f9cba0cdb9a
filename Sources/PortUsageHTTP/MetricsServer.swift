public import Logging
public import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
public import PortUsageCore
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
    public struct Configuration: Sendable {
        public var listenAddresses: [ListenAddress]
        public var telemetryPath: String

        public init(listenAddresses: [ListenAddress], telemetryPath: String) {
            self.listenAddresses = listenAddresses
            self.telemetryPath = telemetryPath
        }
    }

    private let configuration: Configuration
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let routes: Routes
    private let logger: Logger

    public init(
        configuration: Configuration, collector: PortUsageCollector, buildInfo: BuildInfo, logger: Logger
    ) {
        self.configuration = configuration
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        routes = Routes(
            telemetryPath: configuration.telemetryPath,
            coalescer: ScrapeCoalescer(collector: collector, threadPool: threadPool),
            landingPage: LandingPage(buildInfo: buildInfo, telemetryPath: configuration.telemetryPath))
    }

    /// How many collections scrapes have started (scrapes that shared one count once).
    public var collectionsStarted: Int { routes.coalescer.collectionsStarted }

    /// Binds every configured address and serves until ``shutdown()``; returns the bound channels' addresses.
    /// If any address cannot be bound, the ones already bound are closed and the error names the address.
    public func start() async throws -> [SocketAddress] {
        var channels: [any Channel] = []
        do {
            for address in configuration.listenAddresses {
                let channel = try await bind(address)
                channels.append(channel)
                let bound = ListenAddress(
                    host: address.host ?? channel.localAddress?.ipAddress,
                    port: channel.localAddress?.port ?? address.port)
                logger.info("listening", metadata: ["address": "\(bound)"])
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        boundChannels.withLock { $0 = channels }
        return channels.compactMap(\.localAddress)
    }

    private let boundChannels = Mutex<[any Channel]>([])

    /// Stops listening, then stops the event loop and the collection thread.
    public func shutdown() async {
        let channels = boundChannels.withLock { channels in
            defer { channels = [] }
            return channels
        }
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
        try? await threadPool.shutdownGracefully()
    }

    private func bind(_ address: ListenAddress) async throws -> any Channel {
        let bootstrap = makeBootstrap()
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

    private func makeBootstrap() -> ServerBootstrap {
        let routes = routes
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
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
