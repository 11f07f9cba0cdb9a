public import Logging
import NIOConcurrencyHelpers
public import NIOSSL
public import PortUsageCore
public import PortUsageWebConfig
import PortUsageYAML

/// The server's TLS, from `tls_server_config`: one `NIOSSLServerHandler` per connection, from a context
/// that follows the certificate and key files.
///
/// Everything is loaded and checked at start, and errors name the file. Later, every new connection
/// stats the certificate and key files (as exporter-toolkit reads them on every handshake); when either
/// changed, both are read again and new connections get the new certificate. A new pair that does not
/// load is logged and the previous one stays in use until the files change again. The client CA file is
/// read at start only. Verifying client certificates without `client_ca_file` uses the system's trust
/// store, found as Go finds it (``SystemTrustStore``).
public final class TLSContextProvider: Sendable {
    private struct State {
        var context: NIOSSLContext
        /// The stamps of the certificate and key files when they were last read, loaded or not.
        var stamps: [FileStamp?]
    }

    private let configuration: TLSServerConfig
    /// What verifies client certificates: client_ca_file's CAs, whose names go to the client as Go sends
    /// them, or the system's store, whose names are not sent (Go sends none without ClientCAs).
    private struct ClientTrust {
        var roots: NIOSSLTrustRoots
        var sendsNames: Bool
    }

    private let trustRoots: ClientTrust?
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    /// Loads the certificate, key and client CAs; throws an error that names the file that cannot be used.
    public init(configuration: TLSServerConfig, logger: Logger) throws(ConfigurationError) {
        self.configuration = configuration
        self.logger = logger
        if let caFile = configuration.clientCAFile {
            // As Go's AppendCertsFromPEM: a file without certificates is an empty pool, which refuses every
            // client certificate.
            let roots =
                (try? NIOSSLCertificate.fromPEMBytes(try Self.read(caFile, key: "client_ca_file"))) ?? []
            if roots.isEmpty {
                logger.warning(
                    "client_ca_file holds no PEM certificate: every client certificate is refused",
                    metadata: ["client_ca_file": "\(caFile)"])
            }
            trustRoots = ClientTrust(roots: .certificates(roots), sendsNames: true)
        } else if configuration.clientAuth.verifiesCertificate {
            let store = SystemTrustStore.current()
            trustRoots = ClientTrust(roots: .certificates(store.certificates), sendsNames: false)
            logger.info(
                "client certificates are verified against the system trust store",
                metadata: [
                    "certificates": "\(store.certificates.count)",
                    "sources": "\(store.sources.joined(separator: ", "))",
                ])
        } else {
            trustRoots = nil
        }
        let stamps = Self.stamps(configuration)
        state = NIOLockedValueBox(
            State(context: try Self.makeContext(configuration, trustRoots: trustRoots), stamps: stamps))
    }

    /// A handler for a new connection, with the current certificate (reloaded first if the files changed).
    public func makeServerHandler() -> NIOSSLServerHandler {
        let context = currentContext()
        switch configuration.clientAuth {
        case .requestClientCert, .requireAnyClientCert:
            // Go's semantics: a client certificate is asked for (or required) but not verified.
            return NIOSSLServerHandler(context: context) { _, promise in
                promise.succeed(.certificateVerified)
            }
        case .noClientCert, .verifyClientCertIfGiven, .requireAndVerifyClientCert:
            return NIOSSLServerHandler(context: context)
        }
    }

    private func currentContext() -> NIOSSLContext {
        let stamps = Self.stamps(configuration)
        return state.withLockedValue { state in
            guard stamps != state.stamps else { return state.context }
            state.stamps = stamps
            do {
                state.context = try Self.makeContext(configuration, trustRoots: trustRoots)
                logger.info(
                    "loaded the changed TLS certificate", metadata: ["cert_file": "\(configuration.certFile)"]
                )
            } catch {
                logger.error(
                    "could not load the changed TLS certificate; still serving the previous one",
                    metadata: ["err": "\(error)"])
            }
            return state.context
        }
    }

    private static func stamps(_ configuration: TLSServerConfig) -> [FileStamp?] {
        [FileStamp(path: configuration.certFile), FileStamp(path: configuration.keyFile)]
    }

    private static func makeContext(_ configuration: TLSServerConfig, trustRoots: ClientTrust?)
        throws(ConfigurationError) -> NIOSSLContext
    {
        let chain = try certificates(configuration.certFile, key: "cert_file")
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: try read(configuration.keyFile, key: "key_file"), format: .pem)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(
                "key_file \(configuration.keyFile): no usable PEM private key (\(error))")
        }
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        tls.minimumTLSVersion = tlsVersion(configuration.minVersion)
        tls.maximumTLSVersion = configuration.maxVersion.map(tlsVersion)
        if !configuration.cipherSuites.isEmpty {
            tls.cipherSuiteValues = configuration.cipherSuites.map(NIOTLSCipher.init(rawValue:))
        }
        if !configuration.curves.isEmpty {
            tls.curves = configuration.curves.map(NIOTLSCurve.init(rawValue:))
        }
        switch configuration.clientAuth {
        case .noClientCert: tls.certificateVerification = .none
        case .requestClientCert, .verifyClientCertIfGiven: tls.certificateVerification = .optionalVerification
        case .requireAnyClientCert, .requireAndVerifyClientCert:
            tls.certificateVerification = .noHostnameVerification
        }
        if let trustRoots {
            tls.trustRoots = trustRoots.roots
            tls.sendCANameList = trustRoots.sendsNames
        }
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationError(
                "cert_file \(configuration.certFile) and key_file \(configuration.keyFile) do not make a usable "
                    + "pair (does the key belong to the certificate?): \(error)")
        }
    }

    private static func certificates(_ path: String, key: String) throws(ConfigurationError)
        -> [NIOSSLCertificate]
    {
        let bytes = try read(path, key: key)
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes), !certificates.isEmpty else {
            throw ConfigurationError("\(key) \(path): no PEM certificate")
        }
        return certificates
    }

    private static func read(_ path: String, key: String) throws(ConfigurationError) -> [UInt8] {
        do {
            return try WebConfigFile.read(path)
        } catch {
            throw ConfigurationError("\(key): \(error)")
        }
    }

    private static func tlsVersion(_ version: TLSProtocolVersion) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}
