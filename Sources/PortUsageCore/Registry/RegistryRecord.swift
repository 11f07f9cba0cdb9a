/// The transport protocols a registry record applies to.
public enum RecordProtocols: Sendable, Equatable {
    /// Only TCP.
    case tcp
    /// Only UDP.
    case udp
    /// An empty protocol column: the record applies to both.
    case both

    /// Whether the record applies to `transport`.
    public func includes(_ transport: TransportProtocol) -> Bool {
        switch self {
        case .both: true
        case .tcp: transport == .tcp
        case .udp: transport == .udp
        }
    }
}

/// One IANA registry record that names a port (or a port range) for TCP and/or UDP.
public struct RegistryRecord: Sendable, Equatable {
    public var serviceName: String
    public var ports: ClosedRange<UInt16>
    public var protocols: RecordProtocols
    public var description: String
    /// The record is a historic alias or duplicate of another name (its assignment notes say so).
    public var isHistoricAlias: Bool

    public init(
        serviceName: String, ports: ClosedRange<UInt16>, protocols: RecordProtocols, description: String,
        isHistoricAlias: Bool
    ) {
        self.serviceName = serviceName
        self.ports = ports
        self.protocols = protocols
        self.description = description
        self.isHistoricAlias = isHistoricAlias
    }

    /// An unnamed record that sets the port aside rather than leaving it free: `Reserved` and IANA's old
    /// "any private ..." entries. Other unnamed records (`Unassigned`, `De-registered`, `Removed`, ...)
    /// leave the port unassigned.
    public var reservesPort: Bool {
        guard serviceName.isEmpty else { return false }
        let lowered = description.lowercased()
        return lowered.hasPrefix("reserved") || lowered.hasPrefix("any private")
    }

    /// The text with tabs and line breaks turned into spaces: registry descriptions span lines in the CSV,
    /// but a label, a log field or a line of the embedded table must not.
    public static func singleLine(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }

    /// Whether assignment notes mark a name as a historic alias of another.
    public static func notesMarkAlias(_ notes: String) -> Bool {
        let lowered = notes.lowercased()
        return lowered.contains("this entry is an alias to") || lowered.contains("this is a duplicate of")
    }
}
