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

    func validate() throws {
        guard telemetryPath.hasPrefix("/"), telemetryPath != "/", !telemetryPath.hasPrefix("/-/") else {
            throw ValidationError(
                "--web.telemetry-path must start with '/' and not be '/' or under '/-/', got '\(telemetryPath)'"
            )
        }
    }

    /// The server configuration these flags select; `reload` serves `POST /-/reload` when the lifecycle
    /// API is enabled. Reads `--web.config.file` and its certificates; an error names the file.
    func serverConfiguration(reload: @escaping MetricsServer.ReloadAction, logger: Logger) throws
        -> MetricsServer.Configuration
    {
        var configuration = MetricsServer.Configuration(
            listenAddresses: listenAddresses.isEmpty
                ? [ListenAddress(host: nil, port: 10768)] : listenAddresses,
            telemetryPath: telemetryPath, reload: enableLifecycle ? reload : nil)
        guard let configFile else { return configuration }
        let webConfig = try WebConfigFile.load(path: configFile)
        if let tls = webConfig.tls {
            do {
                configuration.tls = try TLSContextProvider(configuration: tls, logger: logger)
            } catch {
                throw ConfigurationError("\(configFile): tls_server_config: \(error)")
            }
        }
        if !webConfig.basicAuthUsers.isEmpty {
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
