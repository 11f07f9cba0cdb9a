import ArgumentParser
import Logging
import PortUsageCore
import PortUsageHTTP
import PortUsageWebConfig

/// The HTTP server's flags.
struct WebOptions: ParsableArguments {
    @Option(
        name: .customLong("web.listen-address"),
        help: ArgumentHelp(
            "Address on which to expose metrics and the web interface; repeatable. (default: :10768)",
            valueName: "[host]:port"),
        transform: { text in
            guard let address = ListenAddress(parsing: text) else {
                throw ValidationError("expected [host]:port, e.g. :10768 or [::1]:10768")
            }
            return address
        })
    var listenAddresses: [ListenAddress] = []

    @Option(name: .customLong("web.telemetry-path"), help: "Path under which to expose metrics.")
    var telemetryPath = "/metrics"

    @Flag(
        name: .customLong("web.enable-lifecycle"), help: "Enable POST /-/reload, which reloads --policy.file."
    )
    var enableLifecycle = false

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "Configuration file for TLS, basic auth and response headers (exporter-toolkit's web-config format).",
            valueName: "FILE"))
    var configFile: String?

    @Option(
        name: .customLong("web.max-connections"),
        help:
            "Most open client connections; past it the oldest idle one is closed. Fitted to the open-files limit."
    )
    var maxConnections = ServerLimits().maxConnections

    @Option(
        name: .customLong("web.max-requests"),
        help: "Maximum number of parallel scrape requests. Use 0 to disable.")
    var maxRequests = ServerLimits().maxRequests

    @Option(
        name: .customLong("web.read-header-timeout"),
        help:
            "Time a client has to send a whole request, from its first byte or from connecting. (default: 10s)",
        transform: positiveDuration)
    var readHeaderTimeout: Duration?

    @Option(
        name: .customLong("web.idle-timeout"),
        help: "Time a keep-alive connection may wait for its next request. (default: 60s)",
        transform: positiveDuration)
    var idleTimeout: Duration?

    @Option(
        name: .customLong("web.max-header-bytes"),
        help: "Largest request head (request line and headers) in bytes; larger ones are answered 431.")
    var maxHeaderBytes = ServerLimits().maxHeadBytes

    @Option(
        name: .customLong("web.scrape-timeout"),
        help:
            "Time a collection may take before a scrape is answered with the socket collectors failed; a shorter X-Prometheus-Scrape-Timeout-Seconds wins. (default: 10s)",
        transform: positiveDuration)
    var scrapeTimeout: Duration?

    func validate() throws {
        guard maxConnections >= 1 else {
            throw ValidationError("--web.max-connections must be at least 1, got \(maxConnections)")
        }
        guard maxRequests >= 0 else {
            throw ValidationError("--web.max-requests must be 0 (no limit) or more, got \(maxRequests)")
        }
        guard (512...1_048_576).contains(maxHeaderBytes) else {
            throw ValidationError("--web.max-header-bytes must be from 512 to 1048576, got \(maxHeaderBytes)")
        }
        guard telemetryPath.hasPrefix("/"), telemetryPath != "/", !telemetryPath.hasPrefix("/-/") else {
            throw ValidationError(
                "--web.telemetry-path must start with '/' and not be '/' or under '/-/', got '\(telemetryPath)'"
            )
        }
    }

    /// The server configuration these flags select; `reload` serves `POST /-/reload` when the lifecycle
    /// API is enabled, and `descriptors` is the open-files limit the connection cap must fit in. Reads
    /// `--web.config.file` and its certificates; an error names the file.
    func serverConfiguration(reload: @escaping MetricsServer.ReloadAction, descriptors: Int, logger: Logger)
        throws -> MetricsServer.Configuration
    {
        let defaults = ServerLimits()
        let limits = ServerLimits(
            maxConnections: maxConnections, maxRequests: maxRequests,
            headerTimeout: readHeaderTimeout ?? defaults.headerTimeout,
            idleTimeout: idleTimeout ?? defaults.idleTimeout, maxHeadBytes: maxHeaderBytes,
            scrapeTimeout: scrapeTimeout ?? defaults.scrapeTimeout)
        var configuration = MetricsServer.Configuration(
            listenAddresses: listenAddresses.isEmpty
                ? [ListenAddress(host: nil, port: 10768)] : listenAddresses,
            telemetryPath: telemetryPath, reload: enableLifecycle ? reload : nil,
            limits: limits.fitting(descriptors: descriptors))
        guard let configFile else { return configuration }
        let webConfig = try WebConfigFile.load(path: configFile)
        for warning in webConfig.warnings {
            logger.warning(
                "web configuration: \(warning.reason)",
                metadata: [
                    "file": "\(configFile):\(warning.line):\(warning.column)", "key": "\(warning.key)",
                ])
        }
        if let tls = webConfig.tls {
            do {
                configuration.tls = try TLSContextProvider(configuration: tls, logger: logger)
            } catch {
                throw ConfigurationError("\(configFile): tls_server_config: \(error)")
            }
        }
        if !webConfig.basicAuthUsers.isEmpty {
            if let problem = BCrypt.loadLibrary() {
                throw ConfigurationError("\(configFile): basic_auth_users: \(problem)")
            }
            configuration.authenticator = BasicAuthenticator(users: webConfig.basicAuthUsers)
        }
        configuration.responseHeaders = webConfig.headers
        logger.info(
            "loaded the web configuration",
            metadata: [
                "file": "\(configFile)", "tls": "\(webConfig.tls != nil)",
                "basic_auth_users": "\(webConfig.basicAuthUsers.count)",
            ])
        return configuration
    }
}
