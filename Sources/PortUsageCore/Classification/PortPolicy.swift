/// Which listeners a host is expected to have (from `--policy.file`), which IANA ranges are watched for
/// unexpected ones, and local service names that replace IANA's in labels.
public struct PortPolicy: Sendable, Equatable {
    /// One expected listener: a port or a range of ports, a protocol, and optionally an exposure.
    public struct ExpectedListener: Sendable, Equatable {
        public var ports: ClosedRange<UInt16>
        public var transport: TransportProtocol
        /// nil when any exposure is expected.
        public var exposure: Exposure?

        public init(ports: ClosedRange<UInt16>, transport: TransportProtocol, exposure: Exposure? = nil) {
            self.ports = ports
            self.transport = transport
            self.exposure = exposure
        }

        func matches(port: UInt16, transport: TransportProtocol, exposure: Exposure) -> Bool {
            ports.contains(port) && self.transport == transport && (self.exposure ?? exposure) == exposure
        }
    }

    /// A port, for one protocol or (nil) both, that a local service name applies to.
    public struct ServiceKey: Sendable, Hashable {
        public var port: UInt16
        public var transport: TransportProtocol?

        public init(port: UInt16, transport: TransportProtocol?) {
            self.port = port
            self.transport = transport
        }
    }

    public var watchedRanges: Set<PortRange>
    public var expected: [ExpectedListener]
    public var serviceNames: [ServiceKey: String]

    public init(
        watchedRanges: Set<PortRange> = [.system], expected: [ExpectedListener] = [],
        serviceNames: [ServiceKey: String] = [:]
    ) {
        self.watchedRanges = watchedRanges
        self.expected = expected
        self.serviceNames = serviceNames
    }

    /// The local name of a port, for its protocol first and then for both; nil when the policy has none.
    public func serviceName(port: UInt16, transport: TransportProtocol) -> String? {
        serviceNames[ServiceKey(port: port, transport: transport)]
            ?? serviceNames[ServiceKey(port: port, transport: nil)]
    }

    /// Whether a listener series is in a watched range and matches no expected listener. The `other`
    /// bucket has no port to judge and is never unexpected.
    public func isUnexpected(_ series: ListenerSeries) -> Bool {
        guard case .port(let port) = series.port else { return false }
        return isUnexpected(port: port, transport: series.transport, exposure: series.exposure)
    }

    /// Whether a listener on `port` is in a watched range and matches no expected listener.
    public func isUnexpected(port: UInt16, transport: TransportProtocol, exposure: Exposure) -> Bool {
        watchedRanges.contains(PortRange(port: port))
            && !expected.contains { $0.matches(port: port, transport: transport, exposure: exposure) }
    }
}
