/// Go's `crypto/tls` names of cipher suites and curves, as `cipher_suites` and `curve_preferences` spell
/// them, with their IANA code points.
enum GoTLSNames {
    /// A TLS 1.0-1.2 suite that exporter-toolkit accepts.
    struct CipherSuite {
        var id: UInt16
        /// Why the suite is weak, for the warning; nil for a suite without known weaknesses.
        var weakness: String?
        /// Whether swift-nio-ssl's BoringSSL implements it (it dropped ECDHE with 3DES).
        var inBoringSSL = true
    }

    private static let noForwardSecrecy = "RSA key exchange, without forward secrecy"
    private static let tripleDES = "3DES, a 64-bit block cipher open to Sweet32"

    /// The TLS 1.0-1.2 suites of Go's `tls.CipherSuites()`, the only list exporter-toolkit looks names up
    /// in, over the Go releases it has been built with (1.14 on): Go 1.17 moved the 3DES suites to
    /// `tls.InsecureCipherSuites()` and later releases the RSA key-exchange ones, so a build with an older
    /// Go accepts them. The suites that were only ever in `InsecureCipherSuites()` (RC4, CBC with
    /// SHA-256) no exporter-toolkit accepts.
    static let cipherSuites: [String: CipherSuite] = [
        "TLS_RSA_WITH_3DES_EDE_CBC_SHA": CipherSuite(
            id: 0x000A, weakness: noForwardSecrecy + "; " + tripleDES),
        "TLS_RSA_WITH_AES_128_CBC_SHA": CipherSuite(id: 0x002F, weakness: noForwardSecrecy),
        "TLS_RSA_WITH_AES_256_CBC_SHA": CipherSuite(id: 0x0035, weakness: noForwardSecrecy),
        "TLS_RSA_WITH_AES_128_GCM_SHA256": CipherSuite(id: 0x009C, weakness: noForwardSecrecy),
        "TLS_RSA_WITH_AES_256_GCM_SHA384": CipherSuite(id: 0x009D, weakness: noForwardSecrecy),
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": CipherSuite(id: 0xC009),
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": CipherSuite(id: 0xC00A),
        "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA": CipherSuite(
            id: 0xC012, weakness: tripleDES, inBoringSSL: false),
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": CipherSuite(id: 0xC013),
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": CipherSuite(id: 0xC014),
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": CipherSuite(id: 0xC02B),
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": CipherSuite(id: 0xC02C),
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": CipherSuite(id: 0xC02F),
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": CipherSuite(id: 0xC030),
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": CipherSuite(id: 0xCCA8),
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": CipherSuite(id: 0xCCA9),
    ]

    /// The TLS 1.3 suites, also in `tls.CipherSuites()`: accepted, and ignored by Go, which (like BoringSSL)
    /// always enables all three.
    static let tls13CipherSuites: Set<String> = [
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    ]

    /// exporter-toolkit's curve names.
    static let curves: [String: UInt16] = [
        "CurveP256": 0x0017, "CurveP384": 0x0018, "CurveP521": 0x0019, "X25519": 0x001D,
    ]
}
