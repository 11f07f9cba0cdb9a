public import PortUsageCore

/// What a fleet runs, read from Prometheus (`policy generate --from-prometheus`): the hosts that run the
/// exporter, and per protocol and port the hosts that run a listener, with its exposures and owners.
///
/// Every query is aggregated in Prometheus (per host first, then counted), so a reply holds one series per
/// listener key (and owner), never one per host.
public struct FleetQuery: Sendable {
    /// Prometheus's base URL (`http://prometheus:9090`, or with a path prefix).
    public var baseURL: String
    public var selector: SeriesSelector
    public var ranges: Set<PortRange>
    public var minShare: FleetShare
    public var ownerKinds: Set<OwnerKind>

    /// Gets one URL: the HTTP status and body, or why there was no answer.
    public typealias Fetch = (_ url: String) throws(FleetQueryError) -> (status: Int, body: [UInt8])

    public init(
        baseURL: String, selector: SeriesSelector, ranges: Set<PortRange>, minShare: FleetShare,
        ownerKinds: Set<OwnerKind>
    ) {
        self.baseURL = baseURL.droppingSuffix(while: { $0 == "/" })
        self.selector = selector
        self.ranges = ranges
        self.minShare = minShare
        self.ownerKinds = ownerKinds
    }

    /// The instant-query URL of `expression`.
    public func url(for expression: String) -> String {
        baseURL + "/api/v1/query?query=" + URLText.percentEncoded(expression)
    }

    /// The number of hosts (distinct `instance`) that run the exporter.
    var hostsExpression: String {
        "count(group by (instance) (\(selector.series("port_usage_exporter_build_info"))))"
    }

    /// The watched listener series.
    private var listenerSeries: String {
        let names = PortRange.allCases.filter(ranges.contains).map(\.rawValue).joined(separator: "|")
        return selector.series("port_usage_listeners", ["port!=\"other\"", "range=~\"\(names)\""])
    }

    /// Per protocol, port and `labels`, the number of hosts with such a series of `series`.
    private func hostsPerKey(_ labels: [String], of series: String) -> String {
        let key = (["protocol", "port"] + labels).joined(separator: ", ")
        return "count by (\(key)) (group by (instance, \(key)) (\(series)))"
    }

    /// Per protocol and port, the hosts that run a watched listener.
    var listenersExpression: String { hostsPerKey([], of: listenerSeries) }

    /// Per protocol, port and exposure, the hosts that run a watched listener so exposed.
    var exposuresExpression: String { hostsPerKey(["exposure"], of: listenerSeries) }

    /// Per protocol, port and owner of `kind`, the hosts whose watched listener has that owner.
    func ownersExpression(_ kind: OwnerKind) -> String {
        let owners = selector.series(
            "port_usage_listener_owner_info", ["port!=\"other\"", "\(kind.rawValue)!=\"\""])
        return hostsPerKey(
            [kind.rawValue],
            of: "\(owners) and on (instance, protocol, family, port, exposure) \(listenerSeries)")
    }

    /// Asks Prometheus through `fetch` and returns the number of hosts and the listeners found on at least
    /// ``minShare`` of them, with service names from `classifier`. Throws when Prometheus cannot be asked,
    /// answers with an error or something else than a vector, or no host runs the exporter.
    public func run(classifier: PortClassifier, fetch: Fetch) throws(FleetQueryError) -> (
        hosts: Int, listeners: [DraftListener]
    ) {
        func ask(_ expression: String) throws(FleetQueryError) -> PrometheusVector {
            let (status, body) = try fetch(url(for: expression))
            return try PrometheusVector(status: status, body: body)
        }
        let hostSamples = try ask(hostsExpression).samples
        let hosts =
            try hostSamples.first.map { sample throws(FleetQueryError) in try Self.count(sample) } ?? 0
        guard hosts > 0 else {
            throw FleetQueryError(
                "no host runs the exporter: \(selector.series("port_usage_exporter_build_info")) has no series"
            )
        }
        var owners: [OwnerKind: PrometheusVector] = [:]
        for kind in ownerKinds.sorted() { owners[kind] = try ask(ownersExpression(kind)) }
        let listeners = try expected(
            hosts: hosts, listeners: ask(listenersExpression), exposures: ask(exposuresExpression),
            owners: owners, classifier: classifier)
        return (hosts, listeners)
    }

    /// The listeners of `listeners` found on at least ``minShare`` of `hosts`, each with the exposure and
    /// the owners found on at least that share of the hosts that run it.
    func expected(
        hosts: Int, listeners: PrometheusVector, exposures: PrometheusVector,
        owners: [OwnerKind: PrometheusVector], classifier: PortClassifier
    ) throws(FleetQueryError) -> [DraftListener] {
        var running: [PortKey: Int] = [:]
        for sample in listeners.samples { running[try Self.key(sample)] = try Self.count(sample) }
        var drafts: [PortKey: DraftListener] = [:]
        for (key, count) in running where minShare.isReached(by: count, of: hosts) {
            drafts[key] = DraftListener(
                port: key.port, transport: key.transport, exposure: nil, owners: [:],
                service: classifier.classify(port: key.port, transport: key.transport).service,
                prevalence: .init(hosts: count, of: hosts))
        }
        var commonExposures: [PortKey: [Exposure]] = [:]
        for sample in exposures.samples {
            let key = try Self.key(sample)
            guard let count = running[key], drafts[key] != nil,
                minShare.isReached(by: try Self.count(sample), of: count)
            else { continue }
            guard let exposure = sample.labels["exposure"].flatMap(Exposure.init(rawValue:)) else {
                throw FleetQueryError("a series in the reply has no known exposure label")
            }
            commonExposures[key, default: []].append(exposure)
        }
        for (key, found) in commonExposures where found.count == 1 { drafts[key]?.exposure = found[0] }
        for (kind, vector) in owners {
            for sample in vector.samples {
                let key = try Self.key(sample)
                guard let count = running[key], drafts[key] != nil, let name = sample.labels[kind.rawValue],
                    !name.isEmpty, minShare.isReached(by: try Self.count(sample), of: count)
                else { continue }
                drafts[key]?.owners[kind, default: []].insert(name)
            }
        }
        return drafts.values.sorted { ($0.port, $0.transport) < ($1.port, $1.transport) }
    }

    private static func key(_ sample: PrometheusVector.Sample) throws(FleetQueryError) -> PortKey {
        guard let transport = sample.labels["protocol"].flatMap(TransportProtocol.init(rawValue:)),
            let text = sample.labels["port"], let port = UInt16(text)
        else {
            throw FleetQueryError(
                "a series in the reply has no protocol and port labels of a listener: \(sample.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",").prefix(200))"
            )
        }
        return PortKey(port: port, transport: transport)
    }

    private static func count(_ sample: PrometheusVector.Sample) throws(FleetQueryError) -> Int {
        guard let count = Int(exactly: sample.value), count >= 0 else {
            throw FleetQueryError("a count in the reply is not a whole number: \(sample.value)")
        }
        return count
    }
}
