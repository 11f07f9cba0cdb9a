import ArgumentParser
import Logging
import PortUsageCore
import PortUsagePush

/// `push`: collects once, pushes to a Pushgateway and exits; for cron jobs and systemd timers.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Collect once, push to a Pushgateway, exit 0 on success and 1 with the reason on failure.")

    @OptionGroup(title: "Collection") var collection: CollectionOptions
    @OptionGroup(title: "Push") var push: PushOptions

    func validate() throws {
        guard push.url != nil else { throw ValidationError("missing --push.url") }
    }

    func run() async throws {
        let logger = collection.bootstrapLogging()
        guard let pusher = try push.makePusher(logger: logger) else { return }
        let collector = try collection.makeCollector(
            logger: logger, policy: collection.makePolicyReloader(logger: logger), oneShot: true)
        try await PushSink(pusher: pusher).publish(
            await SharedCollection(collector: collector).collectOffPool())
        logger.info("pushed", metadata: ["url": "\(pusher.group.redactedURL)", "method": "\(pusher.method)"])
    }
}
