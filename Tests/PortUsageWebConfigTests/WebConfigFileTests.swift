import PortUsageWebConfig
import PortUsageYAML
import Testing

@Suite struct WebConfigFileTests {
    private func parse(_ text: String, file: String = "/etc/pue/web.yml") throws(YAMLFileError) -> WebConfig {
        try WebConfigFile.parse(Array(text.utf8), file: file)
    }

    @Test func readsEverySection() throws {
        let config = try parse(
            """
            tls_server_config:
              cert_file: certs/server.crt
              key_file: /keys/server.key
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.crt
              min_version: TLS13
              max_version: TLS13
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256]
              prefer_server_cipher_suites: false
              curve_preferences: [X25519, CurveP256]
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Strict-Transport-Security: max-age=31536000
            basic_auth_users:
              alice: $2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi
            """)
        var tls = TLSServerConfig(certFile: "/etc/pue/certs/server.crt", keyFile: "/keys/server.key")
        tls.clientAuth = .requireAndVerifyClientCert
        tls.clientCAFile = "/etc/pue/ca.crt"
        tls.minVersion = .tls13
        tls.maxVersion = .tls13
        tls.cipherSuites = [0xC02F, 0xCCA8]
        tls.curves = [0x1D, 0x17]
        #expect(
            config
                == WebConfig(
                    tls: tls,
                    headers: [
                        ResponseHeader(name: "X-Frame-Options", value: "deny"),
                        ResponseHeader(name: "Strict-Transport-Security", value: "max-age=31536000"),
                    ],
                    basicAuthUsers: ["alice": "$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi"])
        )
    }

    @Test func defaultsAreTLS12UpwardsWithoutClientCertificates() throws {
        let config = try parse("tls_server_config:\n  cert_file: a.crt\n  key_file: a.key\n", file: "web.yml")
        #expect(config == WebConfig(tls: TLSServerConfig(certFile: "a.crt", keyFile: "a.key")))
        #expect(config.tls?.minVersion == .tls12)
        #expect(config.tls?.maxVersion == nil)
        #expect(config.tls?.clientAuth == .noClientCert)
    }

    @Test(arguments: [
        "", "# nothing\n", "tls_server_config: {}\nhttp_server_config: {}\nbasic_auth_users: {}\n",
    ])
    func emptySectionsServePlainHTTPWithoutAuth(text: String) throws {
        #expect(try parse(text) == WebConfig())
    }

    @Test func everyClientAuthTypeIsAccepted() throws {
        for type in ClientAuthType.allCases {
            let caFile = type == .noClientCert ? "" : ", client_ca_file: c"
            let config = try parse(
                "tls_server_config: {cert_file: a, key_file: b, client_auth_type: \(type.rawValue)\(caFile)}\n"
            )
            #expect(config.tls?.clientAuth == type)
            #expect(config.tls?.clientCAFile == (type == .noClientCert ? nil : "/etc/pue/c"))
        }
    }

    @Test(arguments: [
        (
            "tls_config: {}\n", 1, 1,
            "unknown key 'tls_config'; expected one of tls_server_config, http_server_config, basic_auth_users"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  rate: 1\n", 4, 3,
            "unknown key 'rate'; expected one of cert_file, key_file, client_auth_type, client_ca_file, min_version, "
                + "max_version, cipher_suites, prefer_server_cipher_suites, curve_preferences, client_allowed_sans"
        ),
        ("tls_server_config:\n  cert_file: a\n", 2, 3, "tls_server_config without key_file"),
        ("tls_server_config:\n  key_file: b\n", 2, 3, "tls_server_config without cert_file"),
        (
            "tls_server_config: {client_auth_type: RequireAndVerifyClientCert}\n", 1, 20,
            "tls_server_config without cert_file"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, client_auth_type: Always}\n", 1, 66,
            "unknown client_auth_type 'Always'; expected one of NoClientCert, RequestClientCert, RequireAnyClientCert, "
                + "VerifyClientCertIfGiven, RequireAndVerifyClientCert"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, client_ca_file: c}\n", 1, 20,
            "client_ca_file is set but client_auth_type is NoClientCert"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, min_version: TLS14}\n", 1, 61,
            "unknown TLS version 'TLS14'; expected one of TLS10, TLS11, TLS12, TLS13"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}\n", 1, 20,
            "max_version TLS12 is below min_version TLS13"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]}\n", 1,
            64,
            "unknown or insecure cipher suite 'TLS_RSA_WITH_RC4_128_SHA'; expected one of "
                + "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "
                + "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "
                + "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, "
                + "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "
                + "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "
                + "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, TLS_RSA_WITH_3DES_EDE_CBC_SHA, "
                + "TLS_RSA_WITH_AES_128_CBC_SHA, TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_RSA_WITH_AES_256_CBC_SHA, "
                + "TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, "
                + "TLS_CHACHA20_POLY1305_SHA256"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256]}\n",
            1, 64,
            "unknown or insecure cipher suite 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'; expected one of "
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, max_version: TLS12, cipher_suites: [TLS_AES_128_GCM_SHA256]}\n",
            1, 83,
            "cipher_suites leaves no suite for TLS 1.2 and older (TLS 1.3 suites are not configurable) and "
                + "max_version TLS12 rules out TLS 1.3: no handshake could succeed"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, client_auth_type: NoClientCert, client_ca_file: c}\n",
            1, 20, "client_ca_file is set but client_auth_type is NoClientCert"
        ),
        (
            "tls_server_config: {client_auth_type: NoClientCert}\n", 1, 20,
            "tls_server_config without cert_file"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, curve_preferences: [P256]}\n", 1, 68,
            "unknown curve 'P256'; expected one of CurveP256, CurveP384, CurveP521, X25519"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, client_allowed_sans: [x]}\n", 1, 69,
            "client_allowed_sans is not supported; use client_auth_type and client_ca_file"
        ),
        (
            "tls_server_config: {cert_file: a, key_file: b, prefer_server_cipher_suites: 'yes'}\n", 1, 77,
            "expected true or false, found 'yes'"
        ),
        ("http_server_config:\n  http2: maybe\n", 2, 10, "expected true or false, found 'maybe'"),
        (
            "http_server_config:\n  headers:\n    Content-Type: text/html\n", 3, 5,
            "unknown key 'Content-Type'; expected one of Content-Security-Policy, Strict-Transport-Security, "
                + "X-Content-Type-Options, X-Frame-Options, X-XSS-Protection"
        ),
        (
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n", 3, 22,
            "invalid value 'allow' for X-Frame-Options; expected one of deny, sameorigin"
        ),
        (
            "http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\u2028b\"\n", 3, 30,
            "header value must not contain control characters or other line breaks"
        ),
        (
            "http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\0b\"\n", 3, 30,
            "header value must not contain control characters or other line breaks"
        ),
        (
            "basic_auth_users:\n  alice: secret\n", 2, 10,
            "the password of user 'alice' is not a bcrypt hash ($2a$, $2b$ or $2y$)"
        ),
        (
            "basic_auth_users:\n  alice: $2y$03$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi\n", 2,
            10,
            "the password of user 'alice' is not a bcrypt hash ($2a$, $2b$ or $2y$)"
        ),
        (
            "basic_auth_users: [alice]\n", 1, 19,
            "expected a mapping of user name to bcrypt hash, found a list"
        ),
        (
            "basic_auth_users:\n  alice: $2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi\n"
                + "  alice: $2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi\n", 3, 3,
            "user 'alice' given twice"
        ),
        (
            "tls_server_config: [\n", 2, 1,
            "YAML: while parsing a flow node: did not find expected node content"
        ),
        (
            "- a\n", 1, 1,
            "expected a mapping with keys tls_server_config, http_server_config, basic_auth_users, found a list"
        ),
    ])
    func errorsNameLineColumnAndReason(text: String, line: Int, column: Int, reason: String) throws {
        let error = try #require(throws: YAMLFileError.self) { try parse(text) }
        #expect((error.file, error.line, error.column) == ("/etc/pue/web.yml", line, column))
        // A reason that ends in "expected one of " is checked up to there (the list is another case's).
        #expect(reason.hasSuffix("one of ") ? error.reason.hasPrefix(reason) : error.reason == reason)
    }
}
