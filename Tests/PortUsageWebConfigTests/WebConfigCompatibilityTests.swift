import PortUsageWebConfig
import PortUsageYAML
import Testing

/// Files that exporter-toolkit accepts are accepted, to the same effect; what is weak or not exactly Go's
/// effect comes with a warning naming the key.
@Suite struct WebConfigCompatibilityTests {
    private static let hash = "$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi"

    private func parse(_ text: String) throws(YAMLFileError) -> WebConfig {
        try WebConfigFile.parse(Array(text.utf8), file: "/etc/pue/web.yml")
    }

    private func tls(_ settings: String) throws -> TLSServerConfig {
        try #require(try parse("tls_server_config: {cert_file: /a, key_file: /b, \(settings)}\n").tls)
    }

    private func warnings(_ text: String) throws -> [String] {
        try parse(text).warnings.map(\.description)
    }

    @Test(arguments: [ClientAuthType.verifyClientCertIfGiven, .requireAndVerifyClientCert])
    func verifyingWithoutClientCAFileUsesTheSystemStore(type: ClientAuthType) throws {
        let config = try parse(
            "tls_server_config: {cert_file: a, key_file: b, client_auth_type: \(type.rawValue)}\n")
        #expect(config.tls?.clientAuth == type)
        #expect(config.tls?.clientCAFile == nil)
        #expect(config.warnings.isEmpty)
    }

    @Test func requireClientCertIsTheOldNameOfRequireAnyClientCert() throws {
        let text = "tls_server_config: {cert_file: a, key_file: b, client_auth_type: RequireClientCert}\n"
        #expect(try parse(text).tls?.clientAuth == .requireAnyClientCert)
        #expect(
            try warnings(text) == [
                "1:66: client_auth_type: RequireAnyClientCert does not verify client certificates: any will do"
            ])
    }

    @Test(arguments: ["client_auth_type: ''", "client_auth_type: ", "client_auth_type: ~"])
    func emptyClientAuthTypeIsNoClientCert(setting: String) throws {
        #expect(try tls(setting).clientAuth == .noClientCert)
    }

    @Test(arguments: [
        "tls_server_config: {cert_file: '', key_file: '', client_auth_type: '', min_version: TLS13}\n",
        "tls_server_config:\nhttp_server_config:\nbasic_auth_users:\n",
        "tls_server_config: {cert_file: ~, key_file: null}\nhttp_server_config: {headers: ~, http2: ~}\n",
    ])
    func emptyOrNullPathsAndSectionsServePlainHTTP(text: String) throws {
        #expect(try parse(text) == WebConfig())
    }

    @Test func tls13SuitesAreIgnoredBesideOthers() throws {
        let config = try tls(
            "cipher_suites: [TLS_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]")
        #expect(config.cipherSuites == [0xC02B])
        #expect(config.minVersion == .tls12)
    }

    @Test func tls13SuitesAloneLeaveOnlyTLS13() throws {
        let text = "tls_server_config: {cert_file: a, key_file: b, cipher_suites: [TLS_AES_256_GCM_SHA384]}\n"
        let config = try parse(text)
        #expect(config.tls?.cipherSuites == [])
        #expect(config.tls?.minVersion == .tls13)
        #expect(
            config.warnings.map(\.description) == [
                "1:63: cipher_suites: no suite for TLS 1.2 and older is left (TLS 1.3 suites are not "
                    + "configurable), so only TLS 1.3 handshakes succeed"
            ])
    }

    @Test func suitesOfOlderGoReleasesAreAcceptedWithAWarning() throws {
        let text =
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites:\n"
            + "  - TLS_RSA_WITH_AES_128_CBC_SHA\n  - TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA\n"
            + "  - TLS_RSA_WITH_3DES_EDE_CBC_SHA\n"
        let config = try parse(text)
        #expect(config.tls?.cipherSuites == [0x002F, 0x000A])
        #expect(
            config.warnings.map(\.description) == [
                "5:5: cipher_suites: TLS_RSA_WITH_AES_128_CBC_SHA is weak: RSA key exchange, without forward secrecy",
                "6:5: cipher_suites: TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA is weak: 3DES, a 64-bit block cipher open "
                    + "to Sweet32",
                "6:5: cipher_suites: TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA is not implemented by BoringSSL and is "
                    + "left out",
                "7:5: cipher_suites: TLS_RSA_WITH_3DES_EDE_CBC_SHA is weak: RSA key exchange, without forward "
                    + "secrecy; 3DES, a 64-bit block cipher open to Sweet32",
            ])
    }

    @Test func oldProtocolVersionsAreAcceptedWithAWarning() throws {
        let text = "tls_server_config: {cert_file: a, key_file: b, min_version: TLS10, max_version: TLS11}\n"
        let config = try parse(text)
        #expect((config.tls?.minVersion, config.tls?.maxVersion) == (.tls10, .tls11))
        #expect(
            config.warnings.map(\.description) == [
                "1:61: min_version: TLS10 is weak: TLS 1.0 and 1.1 are deprecated (RFC 8996)",
                "1:81: max_version: TLS11 is weak: TLS 1.0 and 1.1 are deprecated (RFC 8996)",
            ])
    }

    @Test(arguments: [
        ("yes", true), ("on", true), ("Y", true), ("TRUE", true), ("no", false), ("Off", false),
    ])
    func booleansAreYAML11s(text: String, value: Bool) throws {
        #expect(try tls("prefer_server_cipher_suites: \(text)") == tls("prefer_server_cipher_suites: true"))
        let warnings = try warnings("http_server_config: {http2: \(text)}\n")
        #expect(
            warnings == (value ? ["1:29: http2: HTTP/2 is not supported; clients are served HTTP/1.1"] : []))
    }

    @Test func headerLineBreaksBecomeSpaces() throws {
        let config = try parse(
            "http_server_config:\n  headers:\n    Content-Security-Policy: \"a\\r\\nb\\n\"\n")
        #expect(config.headers == [ResponseHeader(name: "Content-Security-Policy", value: "a  b")])
    }

    @Test func usersThatCanNeverLogInAreAcceptedWithAWarning() throws {
        let goOnly = "$2$04$" + Self.hash.dropFirst(7)
        let text = "basic_auth_users:\n  '': \(Self.hash)\n  'a:b': \(Self.hash)\n  carol: '\(goOnly)'\n"
        let config = try parse(text)
        #expect(config.basicAuthUsers == ["": Self.hash, "a:b": Self.hash, "carol": goOnly])
        #expect(
            config.warnings.map(\.description) == [
                "3:3: basic_auth_users: user 'a:b' can never log in: Basic credentials end the name at ':'",
                "4:10: basic_auth_users: user 'carol' can never log in: the hash is not standard bcrypt ($2a$, "
                    + "$2b$ or $2y$, cost 04-31, 53 characters of bcrypt's alphabet)",
            ])
    }
}
