/// Everything the exporter says of a port besides its number.
public struct PortClassification: Sendable, Equatable {
    public var range: PortRange
    public var assignment: AssignmentStatus
    /// The service name for the `service` label; empty when the port is not assigned.
    public var service: String
    /// The registry's description of the service or reservation.
    public var description: String

    /// A port of the system or user range that IANA has not assigned: where a listener deserves a look
    /// (every dynamic port is unassigned, so those are not marked).
    public var isUnassignedOutsideDynamicRange: Bool {
        assignment != .assigned && range != .dynamic
    }
}

/// Labels ports by range and IANA assignment.
public struct PortClassifier: Sendable {
    public let registry: IANARegistry

    public init(registry: IANARegistry) {
        self.registry = registry
    }

    public func classify(port: UInt16, transport: TransportProtocol) -> PortClassification {
        let assignment = registry.assignment(port: port, transport: transport)
        return PortClassification(
            range: PortRange(port: port), assignment: assignment.status, service: assignment.service,
            description: assignment.description)
    }
}
