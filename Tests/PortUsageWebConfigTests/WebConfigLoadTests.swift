import PortUsageTestSupport
import PortUsageWebConfig
import PortUsageYAML
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reading the file: only regular files, at most ``WebConfigFile/sizeLimit`` bytes.
@Suite struct WebConfigLoadTests {
    private func error(_ path: String, _ reason: String) -> YAMLFileError {
        YAMLFileError(file: path, line: 0, column: 0, reason: reason)
    }

    @Test func loadsARegularFileAndResolvesPathsAgainstItsDirectory() throws {
        let path = Fixtures.temporaryDirectory() + "/web.yml"
        Fixtures.write(Array("tls_server_config: {cert_file: s.crt, key_file: s.key}\n".utf8), to: path)
        let config = try WebConfigFile.load(path: path)
        let directory = String(path.dropLast("web.yml".count))
        #expect(config.tls == TLSServerConfig(certFile: directory + "s.crt", keyFile: directory + "s.key"))
    }

    @Test func refusesAFIFOWithoutOpeningIt() {
        let path = Fixtures.temporaryDirectory() + "/web.yml"
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
        let path = Fixtures.temporaryDirectory() + "/web.yml"
        Fixtures.write(Array(repeating: UInt8(ascii: "#"), count: WebConfigFile.sizeLimit), to: path)
        #expect(try WebConfigFile.load(path: path) == WebConfig())
        Fixtures.write(Array(repeating: UInt8(ascii: "#"), count: WebConfigFile.sizeLimit + 1), to: path)
        #expect(throws: error(path, "larger than 1 MiB limit")) { try WebConfigFile.load(path: path) }
    }
}
