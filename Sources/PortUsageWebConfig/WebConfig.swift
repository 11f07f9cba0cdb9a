/// The web configuration (`--web.config.file`): TLS, extra response headers and basic-auth users, in
/// exporter-toolkit's schema (the `web-config.yml` of node_exporter and Prometheus). See ``WebConfigFile``.
public struct WebConfig: Sendable, Equatable {
    /// HTTPS; nil serves plain HTTP.
    public var tls: TLSServerConfig?
    /// Headers added to every response, in file order.
    public var headers: [ResponseHeader] = []
    /// User name to bcrypt hash; empty means no authentication.
    public var basicAuthUsers: [String: String] = [:]
    /// What the file asks for that is weak or not quite what exporter-toolkit would do, in file order.
    public var warnings: [WebConfigWarning] = []

    public init(
        tls: TLSServerConfig? = nil, headers: [ResponseHeader] = [], basicAuthUsers: [String: String] = [:],
        warnings: [WebConfigWarning] = []
    ) {
        self.tls = tls
        self.headers = headers
        self.basicAuthUsers = basicAuthUsers
        self.warnings = warnings
    }
}

/// One header of `http_server_config.headers`.
public struct ResponseHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
