import Testing

@testable import PortUsageCore

@Suite("listener socket")
struct ListenerSocketTests {
    private static func record(_ address: IPAddress, transport: TransportProtocol = .tcp) -> SocketRecord {
        SocketRecord(
            transport: transport, state: transport == .tcp ? .listen : .close, localAddress: address,
            localPort: 443, remoteAddress: .unspecified(address.family), remotePort: 0, inode: 77, uid: 1000)
    }

    @Test func keepsWhatTheSourceSaidAndWhatItDidNot() {
        var record = Self.record(IPAddress(family: .ipv6, high: 0xfe80_0000_0000_0000, low: 1))
        record.v6only = true
        record.receiveQueue = 40
        record.sendQueue = 128
        record.drops = 0
        record.cgroupID = 4242
        let socket = ListenerSocket(
            record: record, key: ListenerKey(table: record.table, port: 443, exposure: .any))
        #expect(socket.address == record.localAddress)
        #expect(socket.inode == 77 && socket.uid == 1000 && socket.cgroupID == 4242)
        #expect(socket.queued == 40 && socket.backlog == 128 && socket.drops == 0 && socket.v6only == true)

        let procfs = Self.record(IPAddress(ipv4: 0x7F00_0001), transport: .udp)
        let bare = ListenerSocket(
            record: procfs, key: ListenerKey(table: procfs.table, port: 443, exposure: .loopback))
        #expect(bare.address == procfs.localAddress)
        #expect(bare.cgroupID == nil && bare.queued == nil && bare.backlog == nil && bare.drops == nil)
        #expect(bare.v6only == nil)
    }

    /// Tens of thousands are kept for a whole collection: the layout is part of the memory budget.
    @Test func isStoredInSixtyFourBytes() {
        #expect(MemoryLayout<ListenerSocket>.stride == 64)
    }

    /// The counts keep one key per listener key or connection port and state, tens of thousands.
    @Test func countKeysAreStoredInEightAndFourBytes() {
        #expect(MemoryLayout<ListenerKey>.stride == 8)
        #expect(MemoryLayout<ConnectionKey>.stride == 4)
    }
}
