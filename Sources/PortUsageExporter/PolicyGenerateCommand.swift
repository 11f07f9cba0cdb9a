import ArgumentParser
import PortUsageCore
import PortUsageCurl
import PortUsagePolicy

/// `policy generate`: a policy that expects the listeners running now on this host, or those a fleet runs
/// on at least a share of its hosts (`--from-prometheus`), written as YAML for `--policy.file`.
struct PolicyGenerateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract:
            "Write a policy that expects the listeners running now (or, with --from-prometheus, those most of a fleet's hosts run), owners included."
    )

    @Option(
        name: .customLong("ranges"),
        help: ArgumentHelp(
            "The watched ranges, comma-separated, from: system, user, dynamic; the listeners in them are expected.",
            valueName: "ranges"))
    var ranges = "system"

    @Option(
        name: .customLong("owners"),
        help: ArgumentHelp(
            "The owner constraints written, comma-separated, from: unit, user, process; or none.",
            valueName: "kinds"))
    var owners = "unit,user,process"

    @Flag(
        name: .customLong("required"),
        help: "Mark every entry required: true (missing listeners are reported).")
    var required = false

    @Option(
        name: .customLong("output.file"),
        help: ArgumentHelp(
            "Write the policy to this file (replaced atomically) instead of standard output.",
            valueName: "file"))
    var outputFile: String?

    @Option(
        name: .customLong("from-prometheus"),
        help: ArgumentHelp(
            "Read a fleet's listeners from this Prometheus (its base URL) instead of this host's.",
            valueName: "url"))
    var prometheusURL: String?

    @Option(
        name: .customLong("selector"),
        help: ArgumentHelp(
            "With --from-prometheus: label matchers that select the fleet's series, such as {job=\"port_usage\"}.",
            valueName: "matchers"))
    var selector = "{}"

    @Option(
        name: .customLong("min-share"),
        help: ArgumentHelp(
            "With --from-prometheus: the share of hosts (more than 0, at most 1) a listener, its exposure or an owner must be seen on to be expected. (default: 0.9)",
            valueName: "share"),
        transform: { text in
            guard let share = FleetShare(text) else {
                throw ValidationError("'\(text)' is not a decimal more than 0 and at most 1")
            }
            return share
        })
    var minShare = FleetShare("0.9")!

    @Option(
        name: .customLong("timeout"),
        help: ArgumentHelp(
            "With --from-prometheus: the longest all the queries may take. (default: 30s)",
            valueName: "duration"),
        transform: positiveDuration)
    var timeout: Duration = .seconds(30)

    @OptionGroup(title: "Collection") var collection: CollectionOptions

    /// The most bytes of one Prometheus reply read.
    static let maxReplyBytes = 64 << 20

    func validate() throws {
        _ = try watchedRanges()
        guard OwnerKind.parseList(owners) != nil else {
            throw ValidationError(
                "--owners: '\(owners)' is not none or a comma-separated list of unit, user, process")
        }
        if prometheusURL != nil { _ = try SeriesSelector(selector) }
    }

    /// Writes the policy; exits 1, writing nothing, when a socket table could not be read or the fleet not
    /// asked.
    func run() async throws {
        let logger = collection.bootstrapLogging()
        let ranges = try watchedRanges()
        let kinds = OwnerKind.parseList(owners) ?? []
        let classifier = PortClassifier(registry: try collection.loadRegistry())
        let draft: PolicyDraft
        if let prometheusURL {
            let query = FleetQuery(
                baseURL: prometheusURL, selector: try SeriesSelector(selector), ranges: ranges,
                minShare: minShare, ownerKinds: kinds)
            let shown = URLText.redactingCredentials(in: prometheusURL)
            let fetch = try fetcher()
            let (hosts, listeners): (Int, [DraftListener])
            do throws(FleetQueryError) {
                (hosts, listeners) = try query.run(classifier: classifier, fetch: fetch)
            } catch {
                throw ConfigurationError("--from-prometheus \(shown): \(error)")
            }
            draft = PolicyDraft(
                watchedRanges: ranges, listeners: listeners, ownerKinds: kinds, required: required,
                header: [
                    "port_usage_exporter policy generate: the listeners on at least \(minShare) of the \(hosts) hosts of \(selector) in \(shown)"
                ])
        } else {
            let (listed, failures) = try collection.listListeners(
                registry: classifier.registry, logger: logger)
            guard failures.isEmpty else {
                throw ConfigurationError(failures.map(\.description).joined(separator: "; "))
            }
            draft = PolicyDraft(
                watchedRanges: ranges, listeners: DraftListener.local(listed, ranges: ranges),
                ownerKinds: kinds,
                required: required,
                header: [
                    "port_usage_exporter policy generate: the listeners running on \(Hostname.current())"
                ])
        }
        if let outputFile {
            try AtomicFile(path: outputFile).write(Array(draft.yaml.utf8))
        } else {
            print(draft.yaml, terminator: "")
        }
    }

    private func watchedRanges() throws -> Set<PortRange> {
        var found: Set<PortRange> = []
        for name in ranges.split(separator: ",", omittingEmptySubsequences: false) {
            guard let range = PortRange(rawValue: String(name)) else {
                throw ValidationError("--ranges: unknown range '\(name)'; expected system, user or dynamic")
            }
            found.insert(range)
        }
        return found
    }

    /// Gets URLs with libcurl, all within `--timeout` from now, each reply at most ``maxReplyBytes``.
    private func fetcher() throws -> FleetQuery.Fetch {
        if let problem = CurlHTTPClient.loadLibrary() {
            throw ConfigurationError("--from-prometheus: \(problem)")
        }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        return { url throws(FleetQueryError) in
            let remaining = clock.now.duration(to: deadline)
            guard remaining > .zero else { throw FleetQueryError("no answer within --timeout") }
            do throws(HTTPTransportError) {
                let response = try CurlHTTPClient(settings: .init(timeout: remaining)).send(
                    HTTPRequest(method: "GET", url: url, responseLimit: .whole(bytes: Self.maxReplyBytes)))
                return (response.status, response.body)
            } catch {
                throw FleetQueryError(error.description)
            }
        }
    }
}
