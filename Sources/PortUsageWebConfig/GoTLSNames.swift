/// Go's `crypto/tls` names of cipher suites and curves, as `cipher_suites` and `curve_preferences` spell
/// them, with their IANA code points.
enum GoTLSNames {
    /// The TLS 1.0-1.2 suites of Go's `tls.CipherSuites()`: the ones without known weaknesses, which is
    /// all exporter-toolkit accepts (current Go counts RSA key exchange as insecure). BoringSSL implements
    /// every one of them.
    static let cipherSuites: [String: UInt16] = [
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// The TLS 1.3 suites: always enabled, in neither Go nor BoringSSL configurable.
    static let tls13CipherSuites: Set<String> = [
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
    ]

    /// exporter-toolkit's curve names.
    static let curves: [String: UInt16] = [
        "CurveP256": 0x0017, "CurveP384": 0x0018, "CurveP521": 0x0019, "X25519": 0x001D,
    ]
}
