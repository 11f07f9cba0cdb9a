import PortUsageCore
public import PortUsageYAML

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reads the web configuration (`--web.config.file`), exporter-toolkit's schema:
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt            # relative paths are relative to this file's directory
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert
///   client_ca_file: ca.crt
///   min_version: TLS12               # TLS10..TLS13; default TLS12
/// http_server_config:
///   headers: {X-Frame-Options: deny}
/// basic_auth_users:
///   prometheus: $2y$10$...           # bcrypt
/// ```
///
/// It accepts what exporter-toolkit accepts, to the same effect (docs/web-config.md lists the differences
/// that remain). Unknown keys and values exporter-toolkit refuses are errors with the file, line and column;
/// what is weak or not quite Go's effect comes back as ``WebConfig/warnings``.
public enum WebConfigFile {
    /// Larger files are refused before they are read.
    public static let sizeLimit = FileReader.configurationFileLimit

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws(YAMLFileError) -> WebConfig {
        try parse(try read(path), file: path)
    }

    /// Parses a web configuration; `file` names it in errors and its directory anchors relative paths.
    public static func parse(_ bytes: [UInt8], file: String) throws(YAMLFileError) -> WebConfig {
        guard let root = try YAMLDocument.parse(bytes, file: file) else { return WebConfig() }
        var decoder = WebConfigDecoder(file: file)
        var config = WebConfig()
        let keys = ["tls_server_config", "http_server_config", "basic_auth_users"]
        for (key, value) in try decoder.yaml.mapping(root, allowing: keys) where !value.isNull {
            switch key {
            case "tls_server_config": config.tls = try decoder.tlsServerConfig(value)
            case "http_server_config": config.headers = try decoder.httpServerConfig(value)
            default: config.basicAuthUsers = try decoder.basicAuthUsers(value)
            }
        }
        config.warnings = decoder.warnings
        return config
    }

    /// The bytes of the file at `path` (the configuration, or a certificate or key it names), if it is a
    /// regular file of at most ``sizeLimit`` bytes: a FIFO or a device such as /dev/zero is refused at once.
    public static func read(_ path: String) throws(YAMLFileError) -> [UInt8] {
        do {
            return try FileReader.readConfigurationFile(path, limit: sizeLimit)
        } catch {
            let reason =
                if case .system(let failure) = error { String(cString: strerror(failure.errno)) } else {
                    error.reason
                }
            throw YAMLFileError(file: path, line: 0, column: 0, reason: reason)
        }
    }
}
