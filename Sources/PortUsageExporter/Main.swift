import ArgumentParser
import PortUsageCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `port_usage_exporter`: a Prometheus exporter of listening sockets per port, labelled by IANA range and
/// assignment. It serves the metrics over HTTP.
@main
struct PortUsageExporterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "port_usage_exporter",
        abstract: "Prometheus exporter of listening sockets per port, labelled by IANA range and assignment.",
        version: BuildInfo.versionText)

    @OptionGroup(title: "Web") var web: WebOptions
    @OptionGroup(title: "Collection") var collection: CollectionOptions

    func run() async throws {
        try await Serve.run(collection: collection, web: web)
    }

    /// Parses the command line, then runs the command. A bad flag is one line on standard error and exit
    /// code 2; a failure at run time is one line and exit code 1.
    static func main() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            StandardError.write("port_usage_exporter: error: \(message(for: error))\n")
            Glibc.exit(2)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            StandardError.write("port_usage_exporter: error: \(error)\n")
            Glibc.exit(1)
        }
    }
}
