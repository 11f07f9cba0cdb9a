import ArgumentParser
import Logging
import PortUsageCore

/// `textfile`: collects once, writes the textfile atomically and exits; for cron jobs and systemd timers.
struct TextfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textfile",
        abstract: "Collect once, write --textfile.path for node_exporter's textfile collector, exit.")

    @OptionGroup(title: "Collection") var collection: CollectionOptions
    @OptionGroup(title: "Textfile") var textfile: TextfileOptions

    func validate() throws {
        guard textfile.path != nil else { throw ValidationError("missing --textfile.path") }
    }

    func run() async throws {
        let logger = collection.bootstrapLogging()
        guard let writer = try textfile.makeWriter() else { return }
        let collector = try collection.makeCollector(
            logger: logger, policy: collection.makePolicyReloader(logger: logger), oneShot: true)
        try await TextfileSink(writer: writer).publish(
            await SharedCollection(collector: collector).collectOffPool())
        logger.debug("wrote textfile", metadata: ["path": "\(writer.path)"])
    }
}
