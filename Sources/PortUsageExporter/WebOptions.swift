import ArgumentParser
import PortUsageHTTP

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

    func validate() throws {
        guard telemetryPath.hasPrefix("/"), telemetryPath != "/", !telemetryPath.hasPrefix("/-/") else {
            throw ValidationError(
                "--web.telemetry-path must start with '/' and not be '/' or under '/-/', got '\(telemetryPath)'"
            )
        }
    }

    /// The server configuration these flags select; `reload` serves `POST /-/reload` when the lifecycle
    /// API is enabled.
    func serverConfiguration(reload: @escaping MetricsServer.ReloadAction) -> MetricsServer.Configuration {
        MetricsServer.Configuration(
            listenAddresses: listenAddresses.isEmpty
                ? [ListenAddress(host: nil, port: 10768)] : listenAddresses,
            telemetryPath: telemetryPath, reload: enableLifecycle ? reload : nil)
    }
}
