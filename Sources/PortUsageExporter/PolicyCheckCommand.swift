import ArgumentParser
import PortUsageCore
import PortUsagePolicy
import PortUsageYAML

/// `policy check`: the policy against the listeners now, for CI, Ansible, cron and for trying a policy
/// before it is rolled out; or, with `--syntax-only`, the file alone, like `promtool check config`.
struct PolicyCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Check --policy.file against the listeners now: print the unexpected and the missing listeners; exit 0 when there are none, 1 when there are, 2 when the file is bad.",
        discussion:
            "The owners are read as by the owners collector, with no budget: process names of other users' listeners need root or CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, and a listener whose allowed owner depends on one is reported with reason owner_unknown."
    )

    @OptionGroup(title: "Collection") var collection: CollectionOptions

    @Flag(name: .customLong("syntax-only"), help: "Only read and validate --policy.file; collect nothing.")
    var syntaxOnly = false

    @Option(name: .customLong("output"), help: "Output format. One of: [table, json].")
    var output = OutputFormat.table

    func validate() throws {
        guard collection.policyFile != nil else { throw ValidationError("missing --policy.file") }
    }

    func run() async throws {
        let logger = collection.bootstrapLogging()
        let reloader: PolicyReloader
        do {
            reloader = try collection.makePolicyReloader(logger: logger)
        } catch {
            StandardError.write("port_usage_exporter: error: \(error)\n")
            throw ExitCode(2)
        }
        if syntaxOnly {
            let expected = reloader.store.current?.expected ?? []
            print(
                "\(collection.policyFile ?? ""): ok: \(expected.count) expected entries, \(expected.filter(\.isRequired).count) required"
            )
            return
        }
        var unbounded = collection
        unbounded.ownerMaxDescriptors = .max
        let collector = try unbounded.makeCollector(logger: logger, policy: reloader, oneShot: true)
        let scrape = await SharedCollection(collector: collector).collectOffPool()
        let report = PolicyCheckReport(scrape)
        print(output == .json ? report.json : report.table, terminator: "")
        let failed = scrape.outcomes.filter { !$0.success }.map(\.collector)
        guard failed.isEmpty else {
            throw ConfigurationError(
                "collectors failed, the check is incomplete: \(failed.joined(separator: ", "))")
        }
        if !report.isClean { throw ExitCode(1) }
    }
}
