import ArgumentParser
import Logging
import PortUsageCore
import PortUsageCurl
import PortUsagePush

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Where and how to push to a Pushgateway; shared by `push` and by `serve --push.interval`.
struct PushOptions: ParsableArguments {
    @Option(name: .customLong("push.url"), help: "Base URL of the Pushgateway, e.g. http://pushgateway:9091.")
    var url: String?

    @Option(name: .customLong("push.job"), help: "Job name of the pushed group.")
    var job = "port_usage_exporter"

    @Option(
        name: .customLong("push.grouping"),
        help: ArgumentHelp(
            "Grouping label of the pushed group; repeatable. (default: instance=<hostname>)",
            valueName: "key=value"),
        transform: { text in
            guard let equals = text.firstIndex(of: "=") else {
                throw ValidationError("expected key=value, got '\(text)'")
            }
            return Label(String(text[..<equals]), String(text[text.index(after: equals)...]))
        })
    var grouping: [Label] = []

    @Option(
        name: .customLong("push.method"),
        help: ArgumentHelp(
            "put replaces the whole group (closed sockets disappear); post replaces only pushed families. (default: put)",
            valueName: "put|post"),
        transform: { text in
            guard let method = PushMethod(rawValue: text) else {
                throw ValidationError("expected put or post, got '\(text)'")
            }
            return method
        })
    var method = PushMethod.put

    @Option(
        name: .customLong("push.timeout"), help: "Timeout of one request to the Pushgateway. (default: 10s)",
        transform: positiveDuration)
    var timeout: Duration = .seconds(10)

    @Option(
        name: .customLong("push.retries"), help: "Retries of a failed push, with capped exponential backoff.")
    var retries = 3

    @Option(name: .customLong("push.basic-auth.username"), help: "Username for HTTP basic authentication.")
    var username: String?

    @Option(
        name: .customLong("push.basic-auth.password-file"),
        help: "File holding the password for HTTP basic authentication.")
    var passwordFile: String?

    @Option(name: .customLong("push.tls.ca-file"), help: "CA certificates (PEM) that verify the Pushgateway.")
    var caFile: String?

    @Option(name: .customLong("push.tls.cert-file"), help: "Client certificate (PEM) for mutual TLS.")
    var certFile: String?

    @Option(name: .customLong("push.tls.key-file"), help: "Key (PEM) of the client certificate.")
    var keyFile: String?

    func validate() throws {
        guard (0...20).contains(retries) else {
            throw ValidationError("--push.retries must be between 0 and 20, got \(retries)")
        }
        guard (username == nil) == (passwordFile == nil) else {
            throw ValidationError(
                "--push.basic-auth.username and --push.basic-auth.password-file must be given together")
        }
        guard keyFile == nil || certFile != nil else {
            throw ValidationError("--push.tls.key-file needs --push.tls.cert-file")
        }
        do {
            _ = try group()
        } catch {
            throw ValidationError(error.description)
        }
        for (flag, path) in [("ca-file", caFile), ("cert-file", certFile), ("key-file", keyFile)] {
            if let path, access(path, R_OK) != 0 {
                throw ValidationError("--push.tls.\(flag): \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The pusher these flags describe, or nil without `--push.url`. Loads libcurl: a host without it
    /// fails here, at start, with one line, rather than at every push.
    func makePusher(logger: Logger) throws -> Pusher? {
        guard let group = try group() else { return nil }
        if let problem = CurlHTTPClient.loadLibrary() { throw ConfigurationError("--push.url: \(problem)") }
        let settings = CurlHTTPClient.Settings(
            timeout: timeout, basicAuth: try basicAuth(), caFile: caFile, certFile: certFile, keyFile: keyFile
        )
        return Pusher(
            group: group, method: method, client: CurlHTTPClient(settings: settings),
            retry: RetryPolicy(maxRetries: retries), logger: logger)
    }

    /// The group `--push.url`, `--push.job` and `--push.grouping` name, or nil without `--push.url`.
    private func group() throws(ConfigurationError) -> PushgatewayGroup? {
        guard let url else { return nil }
        let labels = grouping.isEmpty ? [Label("instance", Hostname.current())] : grouping
        return try PushgatewayGroup(baseURL: url, job: job, labels: labels)
    }

    /// The size limit of the password file.
    private static let passwordFileLimit = 64 << 10

    /// The credentials, with the password file's trailing newline removed.
    private func basicAuth() throws -> CurlHTTPClient.BasicAuth? {
        guard let username, let passwordFile else { return nil }
        let password: String
        do {
            password = try FileReader.readText(passwordFile, limit: Self.passwordFileLimit)
        } catch {
            throw ConfigurationError("--push.basic-auth.password-file: \(error)")
        }
        let trimmed = password.droppingSuffix(while: \.isNewline)
        return CurlHTTPClient.BasicAuth(username: username, password: trimmed)
    }
}
