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
    var procfs = HostPaths.standard.procfs

    @Option(
        name: .customLong("path.sysfs"),
        help: "sysfs mountpoint; the owners collector maps cgroup ids to units under <path.sysfs>/fs/cgroup.")
    var sysfs = HostPaths.standard.sysfs

    @Option(
        name: .customLong("socket.source"),
        help: ArgumentHelp(
            "Where socket tables are read: netlink (sock_diag), procfs (<path.procfs>/net), or auto: netlink, with procfs for a table netlink cannot read; a --path.procfs other than /proc selects procfs.",
            valueName: "source"))
    var socketSource = SocketSourceOption.auto

    @Flag(help: "Collectors to run.")
    var collectorToggles: [CollectorToggle] = []

    @Option(
        name: .customLong("collector.listeners.max-ports"),
        help: "Most distinct ports exported per protocol; the rest are summed into port=\"other\".")
    var maxPorts = 2000

    @Option(
        name: .customLong("collector.changes.poll-interval"),
        help: ArgumentHelp(
            "How often serve mode reads the listeners between scrapes for the changes collector, so short-lived listeners are seen; 0 polls only on scrapes. (default: 1s)",
            valueName: "duration"),
        transform: PrometheusDuration.parse)
    var changePollInterval: Duration = .seconds(1)

    @Option(
        name: .customLong("collector.changes.retention"),
        help: ArgumentHelp(
            "How long a closed listener's first and last seen times are kept. (default: 1h)",
            valueName: "duration"),
        transform: positiveDuration)
    var changeRetention: Duration = .seconds(3600)

    @Option(
        name: .customLong("collector.changes.max-listeners"),
        help:
            "Most listener keys whose changes are tracked; more are counted in port_usage_listener_history_untracked."
    )
    var changeCapacity = 10_000

    @Option(
        name: .customLong("collector.owners.max-descriptors"),
        help:
            "Most descriptors the owners collector reads in /proc/PID/fd per scrape to find the processes of listeners; a walk that stops there resumes at the next scrape, and the listeners left are counted in port_usage_owner_unresolved_listeners{reason=\"budget\"}."
    )
    var ownerMaxDescriptors = 20_000

    @Option(
        name: .customLong("collector.netns.max-namespaces"),
        help:
            "Most network namespaces besides the host's whose listeners the netns collector reads per collection; more are counted in port_usage_netns_namespaces{status=\"over_limit\"}."
    )
    var maxNamespaces = 256

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
        guard changeCapacity >= 1 else {
            throw ValidationError(
                "--collector.changes.max-listeners must be at least 1, got \(changeCapacity)")
        }
        guard maxNamespaces >= 1 else {
            throw ValidationError("--collector.netns.max-namespaces must be at least 1, got \(maxNamespaces)")
        }
        guard ownerMaxDescriptors >= 1 else {
            throw ValidationError(
                "--collector.owners.max-descriptors must be at least 1, got \(ownerMaxDescriptors)")
        }
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

    /// The collector settings these flags select: the registry's defaults, then each toggle in the order
    /// given.
    var collectorOptions: CollectorOptions {
        var options = CollectorOptions(
            maxPortsPerProtocol: maxPorts, changeRetention: changeRetention, changeCapacity: changeCapacity,
            maxNamespaces: maxNamespaces)
        for toggle in collectorToggles {
            switch toggle.target {
            case .collector(let name):
                if toggle.enables { options.enabled.insert(name) } else { options.enabled.remove(name) }
            case .table(let table):
                options.tables.removeAll { $0 == table }
                if toggle.enables { options.tables.append(table) }
            }
        }
        options.tables.sort()
        return options
    }

    /// The names of the enabled collectors, as in `--collector.<name>`.
    var enabledCollectorNames: [String] {
        collectorOptions.enabled.sorted().map(\.rawValue)
    }

    /// The deprecated per-table flags given, for a warning at start.
    var deprecatedFlags: [String] {
        collectorToggles.filter {
            if case .table = $0.target { true } else { false }
        }.map { ($0.enables ? "--collector." : "--no-collector.") + $0.name }
    }

    /// The listeners now, classified, judged by `--policy.file` and owned, with the errors of the tables
    /// that could not be read; for `list` and `lookup`.
    func listListeners(registry: IANARegistry, logger: Logger) throws -> (
        listeners: [ListedListener], failures: [SocketSourceError]
    ) {
        ListenerListing.take(
            from: socketSource.makeSource(procfs: procfs, logger: logger), tables: collectorOptions.tables,
            owners: OwnerResolver(procRoot: procfs, cgroupRoot: hostPaths.cgroup),
            classifier: PortClassifier(registry: registry),
            policy: try makePolicyReloader(logger: logger).store.current)
    }

    /// Where the host's procfs and sysfs are, as the flags say.
    var hostPaths: HostPaths { HostPaths(procfs: procfs, sysfs: sysfs) }

    /// The embedded registry, or the one in `--registry.file`.
    func loadRegistry() throws -> IANARegistry {
        try registryFile.map { try IANARegistry.load(csvFile: $0) } ?? IANARegistry.embedded
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
    ///
    /// A one-shot command (`push`, `textfile`, run from cron) says only at debug level that other users'
    /// process names are not readable: it would say so on every run.
    func makeCollector(
        logger: Logger, policy: PolicyReloader, oneShot: Bool = false
    ) throws -> PortUsageCollector {
        let registry = try loadRegistry()
        for flag in deprecatedFlags {
            logger.warning(
                "deprecated flag: it will be removed in the next release; per-table collectors are now the listeners, connections and sockets collectors, and this flag only narrows the tables they read",
                metadata: ["flag": "\(flag)"])
        }
        return PortUsageCollector(
            source: socketSource.makeSource(procfs: procfs, logger: logger),
            classifier: PortClassifier(registry: registry), options: collectorOptions, buildInfo: .current,
            policy: policy.store,
            owners: OwnerResolver(
                procRoot: procfs, cgroupRoot: hostPaths.cgroup, maxDescriptors: ownerMaxDescriptors),
            procRoot: procfs,
            privilegeNoticeLevel: oneShot ? .debug : .warning,
            namespaceScanner: NamespaceScanner(procRoot: procfs), logger: logger,
            advice: FlagAdvice.advice, releaseFreedMemory: MallocTuning.releaseFreedMemory)
    }
}
