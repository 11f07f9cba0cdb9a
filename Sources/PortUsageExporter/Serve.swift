import Logging
import PortUsageCore
import PortUsageHTTP

/// Serves `/metrics` over HTTP until SIGTERM or SIGINT.
enum Serve {
    static func run(collection: CollectionOptions, web: WebOptions) async throws {
        collection.bootstrapLogging()
        let logger = Logger(label: "port_usage_exporter")
        let collector = try collection.makeCollector(logger: logger)
        let server = MetricsServer(
            configuration: web.serverConfiguration, collector: collector, buildInfo: .current, logger: logger)
        logger.info(
            "starting port_usage_exporter",
            metadata: [
                "version": "\(BuildInfo.current.version)", "revision": "\(BuildInfo.current.revision)",
                "collectors": "\(collection.enabledCollectorNames.joined(separator: ","))",
            ])
        do {
            _ = try await server.start()
        } catch {
            await server.shutdown()
            throw error
        }
        let signal = await TerminationSignal.wait()
        logger.info("shutting down", metadata: ["signal": "\(signal)"])
        await server.shutdown()
    }
}
