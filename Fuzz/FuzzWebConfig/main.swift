import PortUsageWebConfig
// libFuzzer target for the web configuration (--web.config.file): any bytes either give a configuration
// whose values are consistent or an error that names a position inside the input, never a crash or a hang.
// Run with scripts/fuzz.sh.
import PortUsageYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let config = try WebConfigFile.parse(bytes, file: "/fuzz/web.yml")
        if let tls = config.tls {
            precondition(!tls.certFile.isEmpty && !tls.keyFile.isEmpty)
            precondition(tls.clientCAFile == nil || tls.clientAuth.requestsCertificate)
            precondition(tls.maxVersion.map { $0 >= tls.minVersion } ?? true)
        }
        precondition(config.basicAuthUsers.values.allSatisfy(BCrypt.goAccepts))
        precondition(config.warnings.allSatisfy { !$0.key.isEmpty && $0.line >= 1 })
        precondition(config.headers.allSatisfy { !$0.value.contains(where: \.isNewline) })
    } catch {
        // YAML breaks lines at \n, \r, and (in UTF-8) NEL, LS and PS, which end in 0x85, 0xA8 and 0xA9.
        let lines = bytes.count { [0x0A, 0x0D, 0x85, 0xA8, 0xA9].contains($0) } + 1
        precondition(error.line >= 0 && error.line <= lines + 1, "error line \(error.line) of \(lines)")
        precondition(!error.reason.isEmpty)
    }
    return 0
}
