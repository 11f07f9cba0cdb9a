/// Something that can take a ``SocketSnapshot`` of the host's sockets.
///
/// The procfs reader is one; a netlink sock_diag reader can stand beside it and be cross-checked against it,
/// because both produce the same value.
public protocol SocketSource: Sendable {
    /// Reads every enabled socket table once. A table that cannot be read is reported in its
    /// ``TableReading`` and never prevents the others from being read.
    func snapshot() -> SocketSnapshot
}
