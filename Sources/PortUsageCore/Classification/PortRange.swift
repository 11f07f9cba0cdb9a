/// The IANA port ranges of RFC 6335 section 6, as used in the `range` label.
public enum PortRange: String, Sendable, CaseIterable {
    /// 0-1023, the well-known ports.
    case system
    /// 1024-49151, the registered ports.
    case user
    /// 49152-65535, the dynamic or private ports; IANA assigns none.
    case dynamic

    public init(port: UInt16) {
        switch port {
        case 0...1023: self = .system
        case 1024...49151: self = .user
        default: self = .dynamic
        }
    }
}
