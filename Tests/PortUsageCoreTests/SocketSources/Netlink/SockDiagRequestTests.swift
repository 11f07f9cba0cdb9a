import PortUsageCore
import Testing

@Suite("sock_diag request encoding")
struct SockDiagRequestTests {
    @Test func stateMasks() {
        #expect(SockDiagStates.all == 0x1FFE)
        #expect(SockDiagStates.mask(for: .listeners, transport: .tcp) == 1 << 10)
        #expect(SockDiagStates.mask(for: .listeners, transport: .udp) == 1 << 7)
        let connections = SockDiagStates.mask(for: .connections(localPorts: nil), transport: .tcp)
        #expect(connections == 0x1BFE)
        #expect(connections & (1 << 3) != 0, "SYN_RECV")
        #expect(connections & (1 << 12) != 0, "NEW_SYN_RECV")
        #expect(connections & (1 << 6) != 0, "TIME_WAIT")
        #expect(SockDiagStates.mask(for: .connections(localPorts: nil), transport: .udp) == 0x1F7E)
        #expect(SockDiagStates.mask(for: .everything, transport: .udp) == 0x1FFE)
    }

    @Test func headerAndRequestAtTheirOffsets() {
        let bytes = SockDiagRequest.encode(table: .udp6, states: 0x80, sequence: 0x0102_0304)
        #expect(bytes.count == 72)
        let words = bytes.withUnsafeBytes { raw in
            (
                raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self),
                raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self),
                raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self),
                raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self),
                raw.loadUnaligned(fromByteOffset: 12, as: UInt32.self),
                raw.loadUnaligned(fromByteOffset: 20, as: UInt32.self)
            )
        }
        #expect(words.0 == 72)
        #expect(words.1 == 20, "SOCK_DIAG_BY_FAMILY")
        #expect(words.2 == 0x301, "NLM_F_REQUEST | NLM_F_DUMP")
        #expect(words.3 == 0x0102_0304)
        #expect(words.4 == 0)
        #expect(words.5 == 0x80)
        #expect(bytes[16] == 10 && bytes[17] == 17 && bytes[18] == 0 && bytes[19] == 0)
        #expect(bytes[24...].allSatisfy { $0 == 0 }, "a dump's socket id is zero")
    }

    /// The encoder's bytes equal the requests the C capture tool built with the kernel's own structs, but
    /// for `idiag_ext`: the capture asked for no extension, the exporter asks for `INET_DIAG_SKMEMINFO`
    /// (bit `1 << (7 - 1)`) in the dumps that hold listeners.
    @Test(arguments: [
        ("tcp4-listeners", SocketTable.tcp, SocketSelection.listeners),
        ("tcp6-listeners", .tcp6, .listeners), ("udp4-listeners", .udp, .listeners),
        ("udp6-listeners", .udp6, .listeners), ("tcp4-connections", .tcp, .connections(localPorts: nil)),
        ("tcp6-connections", .tcp6, .connections(localPorts: nil)), ("tcp4-everything", .tcp, .everything),
        ("udp4-everything", .udp, .everything), ("udp6-everything", .udp6, .everything),
        ("tcp4-connections-17101", .tcp, .connections(localPorts: PortSet([17101]))),
    ])
    func matchesTheCapturedRequest(name: String, table: SocketTable, selection: SocketSelection) throws {
        var expected = try NetlinkFixtures.bytes(name + ".request.bin")
        #expect(expected[18] == 0)
        if case .connections = selection {} else { expected[18] = 0x40 }
        let encoded = SockDiagRequest.encode(
            table: table, selection: selection, sequence: NetlinkFixtures.sequences[name]!)
        #expect(encoded == expected)
    }

    @Test func bytecodeAttributeFollowsTheRequest() {
        let program: [UInt8] = [1, 4, 4, 0]
        let bytes = SockDiagRequest.encode(table: .tcp, states: 1, sequence: 1, bytecode: program)
        #expect(bytes.count == 80)
        #expect(bytes[0] == 80)
        #expect(Array(bytes[72..<76]) == [8, 0, 1, 0], "nla_len 8, INET_DIAG_REQ_BYTECODE")
        #expect(Array(bytes[76...]) == program)
    }

    @Test func emptyPortSetNeedsNoRequest() {
        #expect(
            SockDiagRequest.encode(table: .tcp, selection: .connections(localPorts: PortSet()), sequence: 1)
                == nil)
        let unfiltered = SockDiagRequest.encode(
            table: .tcp, selection: .connections(localPorts: nil), sequence: 1)
        #expect(unfiltered?.count == 72)
    }
}
