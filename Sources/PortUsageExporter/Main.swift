import ArgumentParser
import CRelocations
import Dispatch
import PortUsageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The program's entry point: runs ``PortUsageExporterCommand`` on Swift's concurrency pool while the main
/// thread waits for it.
///
/// Not an `async` main: after starting one, the runtime ends the main thread with `pthread_exit`, whose
/// forced unwind of its stack reads the binary's unwind tables (`.eh_frame_hdr` and much of `.eh_frame`,
/// about 2.5 MiB) into the resident set for the process's life.
@main
enum ProgramEntry {
    static func main() {
        MallocTuning.apply()
        // The relocation table's 1.5 MB, read once by the loader, out of the resident set (see CRelocations).
        _ = pue_release_relocation_pages()
        let finished = DispatchSemaphore(value: 0)
        Task.detached {
            await PortUsageExporterCommand.main()
            finished.signal()
        }
        finished.wait()
        exit(0)
    }
}

/// `port_usage_exporter`: a Prometheus exporter of listening sockets per port, labelled by IANA range and
/// assignment. It serves the metrics over HTTP (`serve`, the default), or publishes one collection to a
/// Pushgateway (`push`) or a node_exporter textfile (`textfile`).
struct PortUsageExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port_usage_exporter",
        abstract: "Prometheus exporter of listening sockets per port, labelled by IANA range and assignment.",
        version: BuildInfo.versionText,
        subcommands: [
            ServeCommand.self, PushCommand.self, TextfileCommand.self, ListCommand.self, LookupCommand.self,
            PolicyCommand.self,
        ],
        defaultSubcommand: ServeCommand.self)

    /// Parses the command line, then runs the command. A bad flag is one line on standard error and exit
    /// code 2; a failure at run time is one line and exit code 1.
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(for: error, failureStatus: 2, reason: message(for: error))
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch let code as ExitCode {
            // A command that has said what it found and exits with a status of its own (`policy check`).
            Glibc.exit(code.rawValue)
        } catch {
            exit(for: error, failureStatus: 1, reason: "\(error)")
        }
    }

    /// Exits 0 after printing help or the version, or with `failureStatus` after one line with `reason`.
    private static func exit(for error: any Error, failureStatus: Int32, reason: String) -> Never {
        guard exitCode(for: error) == .success else {
            StandardError.write("port_usage_exporter: error: \(reason)\n")
            Glibc.exit(failureStatus)
        }
        print(fullMessage(for: error))
        if CommandLine.arguments.count == 2, ["-h", "--help"].contains(CommandLine.arguments[1]) {
            // The root's help lists the commands; users of node_exporter also expect the flags there.
            print("\nFLAGS OF serve, THE DEFAULT COMMAND:\n\n" + ServeCommand.helpMessage(columns: nil))
        }
        Glibc.exit(0)
    }
}
