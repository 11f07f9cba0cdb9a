import PortUsagePolicy

/// The web configuration's sections, decoded from YAML nodes.
extension YAMLDecoder {
    func tlsServerConfig(_ node: YAMLNode) throws(PolicyFileError) -> TLSServerConfig? {
        let keys = [
            "cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
            "cipher_suites", "prefer_server_cipher_suites", "curve_preferences", "client_allowed_sans",
        ]
        var certFile: String?
        var keyFile: String?
        var clientAuth: ClientAuthType?
        var clientCAFile: String?
        var minVersion = TLSProtocolVersion.tls12
        var maxVersion: TLSProtocolVersion?
        var cipherSuites: [UInt16] = []
        var curves: [UInt16] = []
        for (key, value) in try mapping(node, allowing: keys) {
            switch key {
            case "cert_file": certFile = try path(value)
            case "key_file": keyFile = try path(value)
            case "client_auth_type":
                clientAuth = try oneOf(value, ClientAuthType.allCases, what: "client_auth_type")
            case "client_ca_file": clientCAFile = try path(value)
            case "min_version":
                minVersion = try oneOf(value, TLSProtocolVersion.allCases, what: "TLS version")
            case "max_version":
                maxVersion = try oneOf(value, TLSProtocolVersion.allCases, what: "TLS version")
            case "cipher_suites": cipherSuites = try sequence(value).map(cipherSuite)
            case "prefer_server_cipher_suites": _ = try bool(value)
            case "curve_preferences": curves = try sequence(value).map(curve)
            default:
                throw error(
                    value, "client_allowed_sans is not supported; use client_auth_type and client_ca_file")
            }
        }
        if certFile == nil, keyFile == nil, clientAuth == nil, clientCAFile == nil { return nil }
        guard let certFile else { throw error(node, "tls_server_config without cert_file") }
        guard let keyFile else { throw error(node, "tls_server_config without key_file") }
        let auth = clientAuth ?? .noClientCert
        if auth.verifiesCertificate, clientCAFile == nil {
            throw error(node, "client_auth_type \(auth.rawValue) needs client_ca_file")
        }
        if clientCAFile != nil, !auth.requestsCertificate {
            throw error(node, "client_ca_file is set but client_auth_type is NoClientCert")
        }
        if let maxVersion, maxVersion < minVersion {
            throw error(
                node, "max_version \(maxVersion.rawValue) is below min_version \(minVersion.rawValue)")
        }
        var config = TLSServerConfig(certFile: certFile, keyFile: keyFile)
        config.clientAuth = auth
        config.clientCAFile = clientCAFile
        config.minVersion = minVersion
        config.maxVersion = maxVersion
        config.cipherSuites = cipherSuites
        config.curves = curves
        return config
    }

    func httpServerConfig(_ node: YAMLNode) throws(PolicyFileError) -> [ResponseHeader] {
        var headers: [ResponseHeader] = []
        for (key, value) in try mapping(node, allowing: ["headers", "http2"]) {
            switch key {
            case "headers":
                headers = try responseHeaders(value)
            default:
                guard try !bool(value) else {
                    throw error(value, "http2: true is not supported; the exporter serves HTTP/1.1 only")
                }
            }
        }
        return headers
    }

    func basicAuthUsers(_ node: YAMLNode) throws(PolicyFileError) -> [String: String] {
        guard case .mapping(let entries) = node.content else {
            throw error(node, "expected a mapping of user name to bcrypt hash, found \(node.kind)")
        }
        var users: [String: String] = [:]
        for (keyNode, value) in entries {
            let user = try scalar(keyNode)
            guard !user.isEmpty, !user.contains(":") else {
                throw error(keyNode, "user name must be non-empty and without ':'")
            }
            let hash = try scalar(value)
            guard BCrypt.isHash(hash) else {
                throw error(value, "the password of user '\(user)' is not a bcrypt hash ($2a$, $2b$ or $2y$)")
            }
            guard users.updateValue(hash, forKey: user) == nil else {
                throw error(keyNode, "user '\(user)' given twice")
            }
        }
        return users
    }

    /// The allowed headers and values are exporter-toolkit's: security headers only, never one the server
    /// sets itself (Content-Type, Content-Length, Content-Encoding, ...).
    private func responseHeaders(_ node: YAMLNode) throws(PolicyFileError) -> [ResponseHeader] {
        let allowed: [String: [String]] = [
            "Strict-Transport-Security": [], "X-Content-Type-Options": ["nosniff"],
            "X-Frame-Options": ["deny", "sameorigin"], "X-XSS-Protection": [], "Content-Security-Policy": [],
        ]
        var headers: [ResponseHeader] = []
        for (name, value) in try mapping(node, allowing: allowed.keys.sorted()) {
            let text = try scalar(value)
            let values = allowed[name] ?? []
            guard values.isEmpty || values.contains(text) else {
                throw error(
                    value,
                    "invalid value '\(text)' for \(name); expected one of \(values.joined(separator: ", "))")
            }
            guard !text.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw error(value, "header value must be on one line")
            }
            headers.append(ResponseHeader(name: name, value: text))
        }
        return headers
    }

    /// A path, made absolute against the configuration file's directory when relative.
    private func path(_ node: YAMLNode) throws(PolicyFileError) -> String {
        let text = try scalar(node)
        guard !text.isEmpty else { throw error(node, "expected a file path, found an empty value") }
        guard !text.hasPrefix("/"), let slash = file.lastIndex(of: "/") else { return text }
        return String(file[...slash]) + text
    }

    private func bool(_ node: YAMLNode) throws(PolicyFileError) -> Bool {
        switch try scalar(node) {
        case "true": return true
        case "false": return false
        case let text: throw error(node, "expected true or false, found '\(text)'")
        }
    }

    private func cipherSuite(_ node: YAMLNode) throws(PolicyFileError) -> UInt16 {
        let name = try scalar(node)
        if let value = GoTLSNames.cipherSuites[name] { return value }
        if GoTLSNames.tls13CipherSuites.contains(name) {
            throw error(node, "\(name) is a TLS 1.3 cipher suite; TLS 1.3 suites are not configurable")
        }
        throw error(
            node,
            "unknown or insecure cipher suite '\(name)'; expected one of "
                + GoTLSNames.cipherSuites.keys.sorted().joined(separator: ", "))
    }

    private func curve(_ node: YAMLNode) throws(PolicyFileError) -> UInt16 {
        let name = try scalar(node)
        guard let value = GoTLSNames.curves[name] else {
            throw error(
                node,
                "unknown curve '\(name)'; expected one of \(GoTLSNames.curves.keys.sorted().joined(separator: ", "))"
            )
        }
        return value
    }
}
