import PortUsageYAML

/// `tls_server_config`, decided as exporter-toolkit's `ConfigToTLSConfig` decides.
extension WebConfigDecoder {
    mutating func tlsServerConfig(_ node: YAMLNode) throws(YAMLFileError) -> TLSServerConfig? {
        let keys = [
            "cert_file", "key_file", "client_auth_type", "client_ca_file", "min_version", "max_version",
            "cipher_suites", "prefer_server_cipher_suites", "curve_preferences", "client_allowed_sans",
        ]
        var certFile: String?
        var keyFile: String?
        var clientAuth: (ClientAuthType, YAMLNode)?
        var clientCAFile: String?
        var minVersion = TLSProtocolVersion.tls12
        var maxVersion: TLSProtocolVersion?
        var cipherSuites: YAMLNode?
        var curves: [UInt16] = []
        for (key, value) in try yaml.mapping(node, allowing: keys) where !value.isNull {
            switch key {
            case "cert_file": certFile = try path(value)
            case "key_file": keyFile = try path(value)
            case "client_auth_type": clientAuth = try clientAuthType(value).map { ($0, value) }
            case "client_ca_file": clientCAFile = try path(value)
            case "min_version": minVersion = try version(value, key: key)
            case "max_version": maxVersion = try version(value, key: key)
            case "cipher_suites": cipherSuites = value
            // Ignored since Go 1.17, which orders suites itself.
            case "prefer_server_cipher_suites": _ = try yaml.bool(value)
            case "curve_preferences": curves = try yaml.sequence(value).map(curve)
            default:
                throw yaml.error(
                    value, "client_allowed_sans is not supported; use client_auth_type and client_ca_file")
            }
        }
        // Go: a section without these four serves plain HTTP, whatever else it sets.
        if certFile == nil, keyFile == nil, clientAuth == nil, clientCAFile == nil { return nil }
        guard let certFile else { throw yaml.error(node, "tls_server_config without cert_file") }
        guard let keyFile else { throw yaml.error(node, "tls_server_config without key_file") }
        let auth = clientAuth?.0 ?? .noClientCert
        if clientCAFile != nil, !auth.requestsCertificate {
            throw yaml.error(node, "client_ca_file is set but client_auth_type is NoClientCert")
        }
        if let maxVersion, maxVersion < minVersion {
            // Go would start and fail every handshake.
            throw yaml.error(
                node, "max_version \(maxVersion.rawValue) is below min_version \(minVersion.rawValue)")
        }
        var config = TLSServerConfig(certFile: certFile, keyFile: keyFile)
        config.clientAuth = auth
        config.clientCAFile = clientCAFile
        config.minVersion = minVersion
        config.maxVersion = maxVersion
        config.curves = curves
        if let cipherSuites { try select(cipherSuites, into: &config) }
        if let (auth, node) = clientAuth, auth.requestsCertificate, !auth.verifiesCertificate {
            warn(
                node, "client_auth_type", "\(auth.rawValue) does not verify client certificates: any will do")
        }
        return config
    }

    /// `cipher_suites`: the TLS 1.0-1.2 suites in file order. TLS 1.3 names are ignored, as Go ignores
    /// them; a list of nothing else leaves TLS 1.2 and older without a suite, so that only TLS 1.3
    /// handshakes succeed.
    private mutating func select(_ node: YAMLNode, into config: inout TLSServerConfig) throws(YAMLFileError) {
        let items = try yaml.sequence(node)
        for item in items {
            let name = try yaml.scalar(item)
            if GoTLSNames.tls13CipherSuites.contains(name) { continue }
            guard let suite = GoTLSNames.cipherSuites[name] else {
                throw yaml.error(
                    item,
                    "unknown or insecure cipher suite '\(name)'; expected one of "
                        + (GoTLSNames.cipherSuites.keys.sorted() + GoTLSNames.tls13CipherSuites.sorted())
                        .joined(separator: ", "))
            }
            if let weakness = suite.weakness { warn(item, "cipher_suites", "\(name) is weak: \(weakness)") }
            if suite.inBoringSSL {
                config.cipherSuites.append(suite.id)
            } else {
                warn(item, "cipher_suites", "\(name) is not implemented by BoringSSL and is left out")
            }
        }
        guard !items.isEmpty, config.cipherSuites.isEmpty else { return }
        if let maxVersion = config.maxVersion, maxVersion < .tls13 {
            throw yaml.error(
                node,
                "cipher_suites leaves no suite for TLS 1.2 and older (TLS 1.3 suites are not configurable) and "
                    + "max_version \(maxVersion.rawValue) rules out TLS 1.3: no handshake could succeed")
        }
        if config.minVersion < .tls13 {
            config.minVersion = .tls13
            warn(
                node, "cipher_suites",
                "no suite for TLS 1.2 and older is left (TLS 1.3 suites are not configurable), so only TLS 1.3 "
                    + "handshakes succeed")
        }
    }

    /// exporter-toolkit's names, an empty value for NoClientCert, and its older name RequireClientCert.
    private func clientAuthType(_ node: YAMLNode) throws(YAMLFileError) -> ClientAuthType? {
        guard let text = try text(node) else { return nil }
        if text == "RequireClientCert" { return .requireAnyClientCert }
        return try yaml.oneOf(node, ClientAuthType.allCases, what: "client_auth_type")
    }

    private mutating func version(_ node: YAMLNode, key: String) throws(YAMLFileError) -> TLSProtocolVersion {
        let version: TLSProtocolVersion = try yaml.oneOf(
            node, TLSProtocolVersion.allCases, what: "TLS version")
        if version < .tls12 {
            warn(node, key, "\(version.rawValue) is weak: TLS 1.0 and 1.1 are deprecated (RFC 8996)")
        }
        return version
    }

    /// A path, made absolute against the configuration file's directory when relative; nil when empty.
    private func path(_ node: YAMLNode) throws(YAMLFileError) -> String? {
        guard let text = try text(node) else { return nil }
        guard !text.hasPrefix("/"), let slash = yaml.file.lastIndex(of: "/") else { return text }
        return String(yaml.file[...slash]) + text
    }

    private func curve(_ node: YAMLNode) throws(YAMLFileError) -> UInt16 {
        let name = try yaml.scalar(node)
        guard let value = GoTLSNames.curves[name] else {
            throw yaml.error(
                node,
                "unknown curve '\(name)'; expected one of \(GoTLSNames.curves.keys.sorted().joined(separator: ", "))"
            )
        }
        return value
    }
}
