/// Receives the sockets a source reads, one record at a time, while it reads them.
public protocol SocketRecordConsumer {
    /// Takes one socket.
    mutating func consume(_ record: SocketRecord)

    /// A consumer for the records of one read that may have to be thrown away whole (an interrupted
    /// netlink dump); ``absorb(_:)`` adds what it took once the read is known to be complete. By default a
    /// copy of this consumer.
    func batch() -> Self

    /// Adds the records that `batch`, made by ``batch()``, took. By default `batch` replaces this consumer.
    mutating func absorb(_ batch: Self)
}

extension SocketRecordConsumer {
    public func batch() -> Self { self }

    public mutating func absorb(_ batch: Self) { self = batch }
}
