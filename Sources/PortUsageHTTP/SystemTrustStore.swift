import NIOSSL
import PortUsageCore
import PortUsageWebConfig

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The trust store Go's crypto/x509 verifies client certificates against when no CA is configured
/// (`client_auth_type` VerifyClientCertIfGiven or RequireAndVerifyClientCert without `client_ca_file`), read
/// as Go reads it on Linux: the first bundle that can be read, `$SSL_CERT_FILE` or else one of Go's paths,
/// and every file in the directories of `$SSL_CERT_DIR` (colon-separated) or else Go's two, but links to
/// names in the same directory. Files that are not PEM certificates are skipped; so is what cannot be read.
struct SystemTrustStore {
    /// Go's `certFiles` for Linux.
    static let goBundles = [
        "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", "/etc/ssl/cert.pem",
    ]
    /// Go's `certDirectories` for Linux.
    static let goDirectories = ["/etc/ssl/certs", "/etc/pki/tls/certs"]

    /// Each certificate once, in the order found.
    private(set) var certificates: [NIOSSLCertificate] = []
    /// The bundle and directories read, for the log.
    private(set) var sources: [String] = []

    /// The store that `environment` (`SSL_CERT_FILE`, `SSL_CERT_DIR`) selects.
    init(environment: [String: String]) {
        var seen: Set<NIOSSLCertificate> = []
        func add(_ bytes: [UInt8]) {
            for certificate in (try? NIOSSLCertificate.fromPEMBytes(bytes)) ?? []
            where seen.insert(certificate).inserted {
                certificates.append(certificate)
            }
        }
        let bundles = Self.setting("SSL_CERT_FILE", environment).map { [$0] } ?? Self.goBundles
        for bundle in bundles {
            guard let bytes = try? WebConfigFile.read(bundle) else { continue }
            add(bytes)
            sources.append(bundle)
            break
        }
        let directories =
            Self.setting("SSL_CERT_DIR", environment).map { $0.split(separator: ":").map(String.init) }
            ?? Self.goDirectories
        for directory in directories {
            guard let names = DirectoryListing.names(in: directory) else { continue }
            for name in names where !Self.isSameDirectoryLink(directory + "/" + name) {
                if let bytes = try? WebConfigFile.read(directory + "/" + name) { add(bytes) }
            }
            sources.append(directory)
        }
    }

    /// The store of this process's environment.
    static func current() -> SystemTrustStore {
        let names = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        let pairs = names.compactMap { name in getenv(name).map { (name, String(cString: $0)) } }
        return SystemTrustStore(environment: Dictionary(uniqueKeysWithValues: pairs))
    }

    /// Whether `path` is a symbolic link to a name in its own directory, such as c_rehash's `5ad8a5d6.0`,
    /// which Go skips (its target is read under its own name).
    private static func isSameDirectoryLink(_ path: String) -> Bool {
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink(path, &target, target.count)
        guard length > 0, length < target.count else { return false }
        return !target[..<length].contains(CChar(UInt8(ascii: "/")))
    }

    /// A variable's value; nil when unset or empty, which Go treats alike.
    private static func setting(_ name: String, _ environment: [String: String]) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }
}
