/// Receives the sockets a source reads, one record at a time, while it reads them.
public protocol SocketRecordConsumer {
    /// Takes one socket.
    mutating func consume(_ record: SocketRecord)
}
