import Testing

@testable import PortUsageCore

@Suite("listener ownership")
struct ListenerOwnershipTests {
    private static func socket(_ table: SocketTable, _ port: UInt16, inode: UInt64) -> ListenerSocket {
        let record = SocketRecord(
            transport: table.transport, state: table.transport == .tcp ? .listen : .close,
            localAddress: .unspecified(table.family), localPort: port,
            remoteAddress: .unspecified(table.family), remotePort: 0, inode: inode)
        return ListenerSocket(
            record: record, key: ListenerKey(table: table, port: port, exposure: .any))
    }

    /// One ownership per key and distinct owner, one per process name, sorted by protocol, port and family.
    @Test func ownershipsAreDistinctPerKeyAndOwnerAndSorted() {
        let nginx = SocketOwner(user: "www-data", unit: "nginx.service", processes: ["nginx"])
        let sockets = [
            Self.socket(.tcp6, 443, inode: 1), Self.socket(.tcp, 443, inode: 2),
            // A SO_REUSEPORT group: two sockets of one key and owner make one ownership.
            Self.socket(.tcp, 443, inode: 3), Self.socket(.udp, 53, inode: 4),
            Self.socket(.tcp, 22, inode: 5),
        ]
        let owners: [UInt64: SocketOwner] = [
            1: nginx, 2: nginx, 3: nginx, 4: SocketOwner(user: "root", unit: "", processes: []),
            5: SocketOwner(user: "root", unit: "ssh.service", processes: ["sshd", "sshd-session"]),
        ]
        let limits = CardinalityGuard(maxPorts: 100, counts: SocketCounts())
        let result = ListenerOwnership.of(sockets, owner: { owners[$0.inode]! }, limits: limits)
        #expect(
            result.map { "\($0.table.rawValue)/\($0.port) \($0.user) \($0.unit) \($0.process)" } == [
                "tcp/22 root ssh.service sshd", "tcp/22 root ssh.service sshd-session",
                "tcp/443 www-data nginx.service nginx", "tcp6/443 www-data nginx.service nginx",
                "udp/53 root  ",
            ])
    }
}
