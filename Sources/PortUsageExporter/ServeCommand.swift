import ArgumentParser
import CRelocations
import Logging
import PortUsageCore
import PortUsageHTTP
import PortUsagePush
import ServiceLifecycle

/// `serve` (the default): serves `/metrics` over HTTP until SIGTERM or SIGINT, and optionally pushes
/// to a Pushgateway and writes a textfile on their own schedules.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve /metrics over HTTP (the default command).")

    @OptionGroup(title: "Web") var web: WebOptions
    @OptionGroup(title: "Collection") var collection: CollectionOptions
    @OptionGroup(title: "Push") var push: PushOptions

    @Option(
        name: .customLong("push.interval"),
        help: "Also push to --push.url at this interval, e.g. 30s. A slow gateway never delays /metrics.",
        transform: positiveDuration)
    var pushInterval: Duration?

    @Flag(name: .customLong("push.delete-on-shutdown"), help: "Delete the pushed group on SIGTERM or SIGINT.")
    var deleteOnShutdown = false

    @OptionGroup(title: "Textfile") var textfile: TextfileOptions

    @Option(
        name: .customLong("textfile.interval"),
        help: "Interval between writes of --textfile.path. (default: 15s)",
        transform: positiveDuration)
    var textfileInterval: Duration?

    func validate() throws {
        guard (push.url == nil) == (pushInterval == nil) else {
            throw ValidationError(
                "--push.url and --push.interval go together in serve mode; for one push, use the push command"
            )
        }
        guard !deleteOnShutdown || pushInterval != nil else {
            throw ValidationError("--push.delete-on-shutdown needs --push.url and --push.interval")
        }
        guard textfileInterval == nil || textfile.path != nil else {
            throw ValidationError("--textfile.interval needs --textfile.path")
        }
    }

    func run() async throws {
        let logger = collection.bootstrapLogging()
        let pusher = try push.makePusher(logger: logger)
        let writer = try textfile.makeWriter()
        let policy = try collection.makePolicyReloader(logger: logger)
        let descriptors = OpenFilesLimit.raise(logger: logger)
        let serverConfiguration = try web.serverConfiguration(
            reload: policy.reload, descriptors: descriptors, logger: logger)
        let collector = try collection.makeCollector(logger: logger, policy: policy)
        IANARegistry.releaseEmbeddedText()
        MallocTuning.releaseFreedMemory()
        _ = pue_release_read_only_pages()
        var schedules: [(any MetricsSink, Duration)] = []
        if let writer { schedules.append((TextfileSink(writer: writer), textfileInterval ?? .seconds(15))) }
        if let pusher, let pushInterval { schedules.append((PushSink(pusher: pusher), pushInterval)) }
        // Every sink publishes from one collection path; their own counts come with each collection.
        let sinks = schedules.map(\.0)
        let shared = SharedCollection(collector: collector, sinkFamilies: { sinks.flatMap(\.families) })
        if let (textfileSink, _) = schedules.first(where: { $0.0 is TextfileSink }) {
            // The file exists from the start, as node_exporter's textfile collector expects.
            try await textfileSink.publish(await shared.collectOffPool())
        }

        let server = MetricsServer(
            configuration: serverConfiguration, collector: shared, buildInfo: .current, logger: logger)
        logger.info(
            "starting port_usage_exporter",
            metadata: [
                "version": "\(BuildInfo.current.version)", "revision": "\(BuildInfo.current.revision)",
                "collectors": "\(collection.enabledCollectorNames.joined(separator: ","))",
                "sinks": "\((["http"] + schedules.map(\.0.name)).joined(separator: ","))",
                "max_connections": "\(serverConfiguration.limits.maxConnections)",
                "open_files_limit": "\(descriptors)",
            ])
        let publishers: [any Service] = schedules.map { sink, interval in
            PeriodicPublisher(sink: sink, collection: shared, interval: interval, logger: logger)
        }
        var services: [any Service] = [server, HangupReloader(policy: policy)] + publishers
        if collector.tracksChanges && collection.changePollInterval > .zero {
            services.append(
                ListenerPoller(collector: collector, interval: collection.changePollInterval, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) } + [
                    .init(
                        service: TerminationSignals(logger: logger),
                        successTerminationBehavior: .gracefullyShutdownGroup)
                ],
                logger: logger))
        try await group.run()
        logger.info("shut down")
        if deleteOnShutdown, let pusher { await deleteGroup(pusher, logger: logger) }
    }

    private func deleteGroup(_ pusher: Pusher, logger: Logger) async {
        do {
            try await pusher.deleteGroup()
            logger.info("deleted the pushed group", metadata: ["url": "\(pusher.group.redactedURL)"])
        } catch {
            logger.error("could not delete the pushed group", metadata: ["err": "\(error)"])
        }
    }
}
