import ArgumentParser
import PortUsageCore

/// `lookup PORT|NAME`: what the IANA registry says of a port or a service name, and what listens there now.
struct LookupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract:
            "Look up a port or a service name in the IANA registry (names, aliases, assignment, range) and show what listens on it now."
    )

    @Argument(help: ArgumentHelp("A port number (0-65535) or a service name.", valueName: "port-or-name"))
    var query: String

    @Option(name: .customLong("protocol"), help: "Only this protocol. One of: [tcp, udp].")
    var transport: ProtocolOption?

    @Option(name: .customLong("output"), help: "Output format. One of: [table, json].")
    var output = OutputFormat.table

    @OptionGroup(title: "Collection") var collection: CollectionOptions

    func validate() throws {
        if query.allSatisfy(\.isNumber), UInt16(query) == nil {
            throw ValidationError("'\(query)' is not a port number (0-65535)")
        }
        guard !query.isEmpty else { throw ValidationError("give a port number or a service name") }
    }

    /// Prints the lookups; exits 1 when a name is not in the registry.
    func run() async throws {
        let logger = collection.bootstrapLogging()
        // The file is read once: its records give the aliases, and the registry is made from them.
        let file = try collection.registryFile.map { path throws(RegistryFileError) in
            try RegistryCSV.load(path)
        }
        let records = file ?? RegistryCSV.embedded()
        let registry = file.map(IANARegistry.init(file:)) ?? IANARegistry.embedded
        let (listeners, _) = try collection.listListeners(registry: registry, logger: logger)
        let lookups = PortLookup.find(
            query, transport: transport?.transport, in: records, registry: registry, listeners: listeners)
        switch output {
        case .table: print(lookups.map(\.text).joined(separator: "\n"), terminator: "")
        case .json: print(JSONValue.array(lookups.map(\.json)).text)
        }
        guard !lookups.isEmpty else {
            throw ConfigurationError("no port or service named '\(query)' in the registry")
        }
    }
}

/// `--protocol` of `lookup`.
enum ProtocolOption: String, ExpressibleByArgument, CaseIterable {
    case tcp
    case udp

    var transport: TransportProtocol { self == .tcp ? .tcp : .udp }
}
