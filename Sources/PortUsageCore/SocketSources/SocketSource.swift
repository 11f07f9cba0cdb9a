/// Something that can take a ``SocketSnapshot`` of the host's sockets.
///
/// The procfs reader is one; a netlink sock_diag reader can stand beside it and be cross-checked against it,
/// because both produce the same value.
public protocol SocketSource: Sendable {
    /// Reads every enabled socket table once. A table that cannot be read, or is not read before
    /// `deadline`, is reported in its ``TableReading`` and never prevents the others from being read.
    func snapshot(deadline: ContinuousClock.Instant?) -> SocketSnapshot
}

extension SocketSource {
    /// Reads every enabled socket table once, without a deadline.
    public func snapshot() -> SocketSnapshot {
        snapshot(deadline: nil)
    }
}
