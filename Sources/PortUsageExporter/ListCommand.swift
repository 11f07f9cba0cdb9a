import ArgumentParser
import PortUsageCore

/// `list`: the listeners now, one line each, like `ss -ltnup` with the exporter's annotations.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract:
            "List the listeners now: address, port, IANA range, assignment and service, policy verdict, owner, queue."
    )

    @OptionGroup(title: "Collection") var collection: CollectionOptions

    @Option(name: .customLong("output"), help: "Output format. One of: [table, json].")
    var output = OutputFormat.table

    /// Prints the listing; a table that could not be read is one line on standard error and exit code 1,
    /// after what the other tables gave.
    func run() async throws {
        let logger = collection.bootstrapLogging()
        let (listeners, failures) = try collection.listListeners(
            registry: collection.loadRegistry(), logger: logger)
        switch output {
        case .table: print(ListenerListingText.table(listeners), terminator: "")
        case .json: print(ListenerListingText.json(listeners), terminator: "")
        }
        guard failures.isEmpty else {
            throw ConfigurationError(failures.map(\.description).joined(separator: "; "))
        }
    }
}
