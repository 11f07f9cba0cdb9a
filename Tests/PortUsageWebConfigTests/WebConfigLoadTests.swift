import PortUsagePolicy
import PortUsageWebConfig
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reading the file: only regular files, at most ``WebConfigFile/sizeLimit`` bytes.
@Suite struct WebConfigLoadTests {
    /// A fresh directory under /tmp.
    private func makeDirectory() -> String {
        var template = Array("/tmp/pue-webconfig-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    private func write(_ bytes: [UInt8], to path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0)
        defer { close(descriptor) }
        precondition(
            bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    }

    private func error(_ path: String, _ reason: String) -> PolicyFileError {
        PolicyFileError(file: path, line: 0, column: 0, reason: reason)
    }

    @Test func loadsARegularFileAndResolvesPathsAgainstItsDirectory() throws {
        let path = makeDirectory() + "/web.yml"
        write(Array("tls_server_config: {cert_file: s.crt, key_file: s.key}\n".utf8), to: path)
        let config = try WebConfigFile.load(path: path)
        let directory = String(path.dropLast("web.yml".count))
        #expect(config.tls == TLSServerConfig(certFile: directory + "s.crt", keyFile: directory + "s.key"))
    }

    @Test func refusesAFIFOWithoutOpeningIt() {
        let path = makeDirectory() + "/web.yml"
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: error(path, "not a regular file (a FIFO)")) { try WebConfigFile.load(path: path) }
    }

    @Test func refusesADevice() {
        #expect(throws: error("/dev/zero", "not a regular file (a character device)")) {
            try WebConfigFile.load(path: "/dev/zero")
        }
    }

    @Test func refusesAMissingFile() {
        #expect(throws: error("/nonexistent/web.yml", "No such file or directory")) {
            try WebConfigFile.load(path: "/nonexistent/web.yml")
        }
    }

    @Test func refusesAFileOverTheLimit() throws {
        let path = makeDirectory() + "/web.yml"
        write(Array(repeating: UInt8(ascii: "#"), count: WebConfigFile.sizeLimit), to: path)
        #expect(try WebConfigFile.load(path: path) == WebConfig())
        write(Array(repeating: UInt8(ascii: "#"), count: WebConfigFile.sizeLimit + 1), to: path)
        #expect(throws: error(path, "larger than 1 MiB limit")) { try WebConfigFile.load(path: path) }
    }
}
