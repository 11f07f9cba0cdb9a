import ArgumentParser
import Logging
import PortUsageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Flags that shape the collection, shared by every command that collects.
struct CollectionOptions: ParsableArguments {
    @Option(name: .customLong("path.procfs"), help: "procfs mountpoint.")
    var procfs = "/proc"

    @Flag(
        name: .customLong("collector.tcp"), inversion: .prefixedNo,
        help: "Enable the tcp collector (/proc/net/tcp).")
    var tcp = true

    @Flag(
        name: .customLong("collector.tcp6"), inversion: .prefixedNo,
        help: "Enable the tcp6 collector (/proc/net/tcp6).")
    var tcp6 = true

    @Flag(
        name: .customLong("collector.udp"), inversion: .prefixedNo,
        help: "Enable the udp collector (/proc/net/udp).")
    var udp = true

    @Flag(
        name: .customLong("collector.udp6"), inversion: .prefixedNo,
        help: "Enable the udp6 collector (/proc/net/udp6).")
    var udp6 = true

    @Flag(
        name: .customLong("collector.connections"), inversion: .prefixedNo,
        help: "Enable the connections collector (inbound TCP connections per listener port, by state).")
    var connections = true

    @Option(
        name: .customLong("collector.listeners.max-ports"),
        help: "Most distinct ports exported per protocol; the rest are summed into port=\"other\".")
    var maxPorts = 2000

    @Option(
        name: .customLong("registry.file"),
        help: "An IANA service-names-port-numbers.csv to use instead of the embedded registry.")
    var registryFile: String?

    @Option(
        name: .customLong("policy.file"),
        help: ArgumentHelp(
            "YAML file of expected listeners; listeners in watched ranges that it does not expect are exported as port_usage_unexpected_listeners.",
            valueName: "file"))
    var policyFile: String?

    @Option(
        name: .customLong("log.level"),
        help: "Only log messages with the given severity or above. One of: [debug, info, warn, error].")
    var logLevel = LogLevelOption.info

    @Option(name: .customLong("log.format"), help: "Output format of log messages. One of: [logfmt, json].")
    var logFormat = LogFormatOption.logfmt

    func validate() throws {
        guard maxPorts >= 1 else {
            throw ValidationError("--collector.listeners.max-ports must be at least 1, got \(maxPorts)")
        }
        var info = stat()
        guard stat(procfs, &info) == 0 else {
            throw ValidationError("--path.procfs: \(procfs): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw ValidationError("--path.procfs: \(procfs): not a directory")
        }
    }

    /// The collector settings these flags select.
    var collectorOptions: CollectorOptions {
        let enabled: [(SocketTable, Bool)] = [(.tcp, tcp), (.tcp6, tcp6), (.udp, udp), (.udp6, udp6)]
        return CollectorOptions(
            tables: enabled.filter(\.1).map(\.0), connections: connections, maxPortsPerProtocol: maxPorts)
    }

    /// The names of the enabled collectors, as in `--collector.<name>`.
    var enabledCollectorNames: [String] {
        collectorOptions.tables.map(\.rawValue) + (connections ? ["connections"] : [])
    }

    /// Loads `--policy.file`, if given.
    func makePolicyReloader(logger: Logger) throws -> PolicyReloader {
        try PolicyReloader(path: policyFile, logger: logger)
    }

    /// Routes swift-log to standard error in the chosen format and level; returns the exporter's logger.
    func bootstrapLogging() -> Logger {
        let format = logFormat
        let level = logLevel.level
        LoggingSystem.bootstrap { label in LineLogHandler(format: format, label: label, logLevel: level) }
        return Logger(label: "port_usage_exporter")
    }

    /// The collector for these flags, with the embedded registry or the one in `--registry.file`, the
    /// policy of `policy`, reporting the statistics of the sinks that publish its collections.
    func makeCollector(
        logger: Logger, policy: PolicyReloader, sinkStatistics: [SinkStatistics] = []
    ) throws -> PortUsageCollector {
        let registry = try registryFile.map { try IANARegistry.load(csvFile: $0) } ?? IANARegistry.embedded
        let options = collectorOptions
        let source = ProcNetSource(
            procRoot: procfs, tables: options.tables, tracksConnections: options.connections, logger: logger)
        return PortUsageCollector(
            source: source, classifier: PortClassifier(registry: registry), options: options,
            buildInfo: .current, sinkStatistics: sinkStatistics, policy: policy.store, logger: logger)
    }
}
