import PortUsageCore
import Synchronization

/// A source that selects in the kernel, serves a socket list per table, logs every read, and can be told
/// that tables are unavailable or fail; a test may change its sockets and errors between reads.
final class ScriptedSource: SocketSource {
    let sockets: Locked<[SocketRecord]>
    let errors: Locked<[SocketTable: SocketSourceError]>
    let reads = Locked<[String]>([])

    init(sockets: [SocketRecord], errors: [SocketTable: SocketSourceError] = [:]) {
        self.sockets = Locked(sockets)
        self.errors = Locked(errors)
    }

    func kind(for table: SocketTable) -> SocketSourceKind { .netlink }

    func selectsInKernel(_ table: SocketTable) -> Bool { true }

    func read<Consumer: SocketRecordConsumer>(
        _ table: SocketTable, selection: SocketSelection, deadline: ContinuousClock.Instant?,
        into consumer: inout Consumer
    ) throws(SocketSourceError) -> TableReadReport {
        var logged = "\(table) \(selection.name)"
        if case .connections(let ports?) = selection { logged += " \(ports.ports)" }
        reads.withLock { $0.append(logged) }
        if let error = errors.withLock({ $0[table] }) { throw error }
        for socket in sockets.withLock({ $0 }) where socket.table == table {
            let admitted: Bool
            switch selection {
            case .listeners:
                admitted = socket.transport == .tcp ? socket.state == .listen : socket.state == .close
            case .connections(let ports):
                admitted = socket.state != .listen && ports?.contains(socket.localPort) != false
            case .everything: admitted = true
            }
            if admitted { consumer.consume(socket) }
        }
        return TableReadReport()
    }
}
