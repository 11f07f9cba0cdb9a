/// `tls_server_config`: the server certificate and key, client certificates, protocol versions and
/// algorithms. Paths are absolute (resolved against the web configuration's directory).
public struct TLSServerConfig: Sendable, Equatable {
    /// PEM certificate chain, server certificate first.
    public var certFile: String
    /// PEM private key of the certificate.
    public var keyFile: String
    public var clientAuth: ClientAuthType = .noClientCert
    /// PEM CA certificates that verify client certificates; nil verifies them against the system's trust
    /// store, as Go does.
    public var clientCAFile: String?
    public var minVersion: TLSProtocolVersion = .tls12
    /// nil: the highest the library supports (TLS 1.3).
    public var maxVersion: TLSProtocolVersion?
    /// IANA code points of the TLS 1.2-and-earlier suites, in preference order, all implemented by
    /// BoringSSL; empty keeps the library's defaults. TLS 1.3 suites are not configurable.
    public var cipherSuites: [UInt16] = []
    /// IANA code points of the key-exchange groups, in preference order; empty keeps the library's defaults.
    public var curves: [UInt16] = []

    public init(certFile: String, keyFile: String) {
        self.certFile = certFile
        self.keyFile = keyFile
    }
}

/// `client_auth_type`, with Go's `crypto/tls` names and meanings.
public enum ClientAuthType: String, Sendable, CaseIterable {
    case noClientCert = "NoClientCert"
    case requestClientCert = "RequestClientCert"
    case requireAnyClientCert = "RequireAnyClientCert"
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// Whether the server asks the client for a certificate.
    public var requestsCertificate: Bool { self != .noClientCert }

    /// Whether a handshake without a client certificate fails.
    public var requiresCertificate: Bool {
        self == .requireAnyClientCert || self == .requireAndVerifyClientCert
    }

    /// Whether a presented client certificate must chain to `client_ca_file` (or the system's trust store).
    public var verifiesCertificate: Bool {
        self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert
    }
}

/// `min_version` and `max_version`.
public enum TLSProtocolVersion: String, Sendable, CaseIterable, Comparable {
    case tls10 = "TLS10"
    case tls11 = "TLS11"
    case tls12 = "TLS12"
    case tls13 = "TLS13"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
