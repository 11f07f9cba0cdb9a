/// IANA assignment status of a (port, protocol), as used in the `assignment` label.
public enum AssignmentStatus: String, Sendable, CaseIterable {
    /// At least one registry record names a service for it.
    case assigned
    /// No service, but a record reserves it.
    case reserved
    /// No record assigns or reserves it (this includes every dynamic port).
    case unassigned
}

/// What the registry says of one (port, protocol).
public struct PortAssignment: Sendable, Equatable {
    public var status: AssignmentStatus
    /// The canonical service name: the first name that is not a historic alias; empty when unassigned.
    public var service: String
    /// The description of that service, or of the reservation.
    public var description: String

    public init(status: AssignmentStatus, service: String, description: String) {
        self.status = status
        self.service = service
        self.description = description
    }
}
