import PortUsageCore
import PortUsageTestSupport
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("socket snapshot")
struct SocketSnapshotTests {
    static func tcp(_ family: AddressFamily, _ state: SocketState, port: UInt16, remotePort: UInt16 = 0)
        -> SocketRecord
    {
        let loopback =
            family == .ipv4 ? IPAddress(ipv4: 0x7F00_0001) : IPAddress(family: .ipv6, high: 0, low: 1)
        return SocketRecord(
            transport: .tcp, state: state, localAddress: loopback, localPort: port,
            remoteAddress: remotePort == 0 ? .unspecified(family) : loopback, remotePort: remotePort)
    }

    static let sockets = [
        tcp(.ipv4, .listen, port: 80), tcp(.ipv6, .listen, port: 443),
        tcp(.ipv4, .established, port: 80, remotePort: 50000),
        tcp(.ipv4, .established, port: 50000, remotePort: 80),  // the client side: not inbound
        tcp(.ipv6, .timeWait, port: 80, remotePort: 50001),  // a listener port of the other family counts
        SocketRecord(
            transport: .udp, state: .close, localAddress: .unspecified(.ipv4), localPort: 53,
            remoteAddress: .unspecified(.ipv4), remotePort: 0),
    ]

    @Test func listenersFirstThenConnectionsOnTheListenerPortsOnly() {
        let source = ScriptedSource(sockets: Self.sockets)
        let snapshot = SocketSnapshot.take(
            from: source, demand: SocketDemand(connections: true, everySocket: false), deadline: nil)
        #expect(
            source.reads.withLock { $0 } == [
                "tcp listeners", "tcp6 listeners", "udp listeners", "udp6 listeners",
                "tcp connections [80, 443]", "tcp6 connections [80, 443]",
            ])
        #expect(
            snapshot.counts.connections == [
                ConnectionKey(family: .ipv4, port: 80, state: .established): 1,
                ConnectionKey(family: .ipv6, port: 80, state: .timeWait): 1,
            ])
        #expect(snapshot.counts.listeners.values.reduce(0, +) == 3)
    }

    @Test func everySocketReadsEachTableOnceWhole() {
        let source = ScriptedSource(sockets: Self.sockets)
        let snapshot = SocketSnapshot.take(
            from: source, demand: SocketDemand(connections: true, everySocket: true), deadline: nil)
        #expect(
            source.reads.withLock { $0 } == [
                "tcp everything", "tcp6 everything", "udp everything", "udp6 everything",
            ])
        #expect(snapshot.counts.states[.tcp] == [.listen: 1, .established: 2])
        #expect(snapshot.counts.connections.values.reduce(0, +) == 2)
    }

    @Test func withoutConnectionsOnlyListenersAreRead() {
        let source = ScriptedSource(sockets: Self.sockets)
        let snapshot = SocketSnapshot.take(
            from: source, demand: SocketDemand(tables: [.tcp], connections: false, everySocket: false),
            deadline: nil)
        #expect(source.reads.withLock { $0 } == ["tcp listeners"])
        #expect(snapshot.counts.connections.isEmpty)
    }

    @Test func autoFallsBackPerTableOnceAndReportsTheSourceInUse() {
        let missing = SocketSourceError.netlink(table: .udp6, operation: "dump", errno: ENOENT)
        let primary = ScriptedSource(sockets: Self.sockets, errors: [.udp6: missing])
        let fellBack = Locked<[SocketTable]>([])
        let auto = AutoSocketSource(primary: primary, fallback: ProcNetSource(procRoot: Fixtures.procRoot)) {
            table, error in
            #expect(error == missing)
            fellBack.withLock { $0.append(table) }
        }
        let demand = SocketDemand(connections: true, everySocket: false)
        for _ in 0..<2 {
            let snapshot = SocketSnapshot.take(from: auto, demand: demand, deadline: nil)
            let udp6 = snapshot.outcomes.filter { $0.table == .udp6 }
            #expect(udp6.map(\.source) == [.procfs] && udp6.map(\.selection) == [.everything])
            // The fixture's udp6 holds two listeners.
            #expect(snapshot.counts.listeners.keys.filter { $0.table == .udp6 }.count == 2)
        }
        #expect(fellBack.withLock { $0 } == [.udp6])
        #expect(auto.kind(for: .udp6) == .procfs && auto.kind(for: .tcp) == .netlink)
        #expect(!auto.selectsInKernel(.udp6))
    }

    @Test func aSocketThatCannotBeOpenedFallsBackButIsNotASkip() {
        let refused = SocketSourceError.netlink(table: .tcp, operation: "socket", errno: EAFNOSUPPORT)
        #expect(!refused.isUnavailable)
        #expect(SocketSourceError.netlink(table: .tcp, operation: "dump", errno: ENOENT).isUnavailable)
        let primary = ScriptedSource(sockets: [], errors: [.tcp: refused])
        let auto = AutoSocketSource(primary: primary, fallback: ProcNetSource(procRoot: Fixtures.procRoot)) {
            _, _ in
        }
        let snapshot = SocketSnapshot.take(
            from: auto, demand: SocketDemand(tables: [.tcp], connections: false, everySocket: false),
            deadline: nil)
        #expect(snapshot.outcomes.map(\.source) == [.procfs])
        #expect(snapshot.outcomes.allSatisfy { $0.failure == nil })
    }
}
