import ArgumentParser
import PortUsageCore
import PortUsageTestSupport
import Testing

@testable import PortUsageExporter

#if canImport(Glibc)
    import Glibc
#endif

/// The command line is the exporter's contract with every deployment (systemd units, the DaemonSet,
/// Ansible roles): each command's `--help` is pinned in `Help/`, so that no flag is renamed or dropped
/// unnoticed. After a change on purpose, `PUE_UPDATE_HELP=1 swift test --filter HelpTests` rewrites them.
@Suite("command line")
struct HelpTests {
    static let commands: [(name: String, command: any ParsableCommand.Type)] = [
        ("root", PortUsageExporterCommand.self), ("serve", ServeCommand.self), ("push", PushCommand.self),
        ("textfile", TextfileCommand.self), ("list", ListCommand.self), ("lookup", LookupCommand.self),
        ("policy", PolicyCommand.self), ("policy-generate", PolicyGenerateCommand.self),
    ]

    static let helpDirectory: String = {
        var path = #filePath
        while path.last != "/" { path.removeLast() }
        return path + "Help/"
    }()

    @Test(arguments: commands.map(\.name))
    func helpIsPinned(name: String) throws {
        let command = try #require(Self.commands.first { $0.name == name }?.command)
        let help = PortUsageExporterCommand.helpMessage(for: command, columns: 120) + "\n"
        let path = Self.helpDirectory + name + ".txt"
        if getenv("PUE_UPDATE_HELP") != nil { Fixtures.write(Array(help.utf8), to: path) }
        let pinned = try FileReader.readText(path, limit: 1 << 20)
        #expect(help == pinned, "\(name) --help changed; if on purpose, rerun with PUE_UPDATE_HELP=1")
    }

    /// node_exporter's spellings, which users carry over from it.
    @Test func nodeExporterFlagsAreSpelledAsThere() {
        let serve = PortUsageExporterCommand.helpMessage(for: ServeCommand.self, columns: 200)
        for flag in [
            "--web.listen-address", "--web.config.file", "--web.telemetry-path", "--web.max-requests",
            "--web.enable-lifecycle", "--log.level", "--log.format", "--path.procfs", "--path.sysfs",
        ] {
            #expect(serve.contains(flag), "\(flag)")
        }
        for collector in CollectorName.allCases {
            #expect(serve.contains("--collector.\(collector.rawValue)"), "\(collector)")
            #expect(serve.contains("--no-collector.\(collector.rawValue)"), "\(collector)")
        }
    }

    @Test func everyCollectorIsTogglesAndNoOtherFlagIsRequired() throws {
        let command = try PortUsageExporterCommand.parseAsRoot(
            CollectorName.allCases.map { "--no-collector.\($0.rawValue)" })
        #expect(command is ServeCommand)
        #expect(throws: (any Error).self) { try PortUsageExporterCommand.parseAsRoot(["--no-such-flag"]) }
    }
}
