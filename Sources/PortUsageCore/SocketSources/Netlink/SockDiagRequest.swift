/// Encodes a sock_diag dump request: one `nlmsghdr`, one `struct inet_diag_req_v2`, and optionally an
/// `INET_DIAG_REQ_BYTECODE` attribute with a filter program.
///
/// Layout, with offsets from the start of the datagram; every integer in native byte order, as the kernel
/// reads it:
///
/// | offset | field | value |
/// | --- | --- | --- |
/// | 0 | `nlmsg_len` u32 | 72, or 76 + the program's length |
/// | 4 | `nlmsg_type` u16 | `SOCK_DIAG_BY_FAMILY` (20) |
/// | 6 | `nlmsg_flags` u16 | `NLM_F_REQUEST \| NLM_F_DUMP` (0x301) |
/// | 8 | `nlmsg_seq` u32 | the sequence number |
/// | 12 | `nlmsg_pid` u32 | 0 (the kernel fills in the sender) |
/// | 16 | `sdiag_family` u8 | `AF_INET` (2) or `AF_INET6` (10) |
/// | 17 | `sdiag_protocol` u8 | `IPPROTO_TCP` (6) or `IPPROTO_UDP` (17) |
/// | 18 | `idiag_ext` u8 | ``extensions(for:)``: `INET_DIAG_SKMEMINFO` for dumps that hold listeners, else 0 |
/// | 19 | `pad` u8 | 0 |
/// | 20 | `idiag_states` u32 | ``SockDiagStates`` mask |
/// | 24 | `id` (`struct inet_diag_sockid`, 48 bytes) | zero: a dump matches on states and the program |
/// | 72 | `nla_len` u16, `nla_type` u16 | 4 + program length, `INET_DIAG_REQ_BYTECODE` (1) |
/// | 76 | program | ``LocalPortFilter/bytecode`` (a multiple of 4 bytes) |
public enum SockDiagRequest {
    /// The length of a request without a program.
    public static let baseLength = SockDiagLayout.headerSize + SockDiagLayout.requestSize

    /// The `idiag_ext` of a dump for `selection`: `INET_DIAG_SKMEMINFO` (the listeners' drops, for the
    /// `saturation` collector; unprivileged, 40 bytes a socket) when the dump holds listeners, nothing for
    /// the connections, which are only counted.
    public static func extensions(for selection: SocketSelection) -> UInt8 {
        switch selection {
        case .listeners, .everything: SockDiagLayout.extensionSocketMemory
        case .connections: 0
        }
    }

    /// The bytes of a dump request for `table`'s sockets in `states`, asking for the `extensions`
    /// (`idiag_ext`), filtered by `bytecode` unless it is empty. `bytecode` must be a valid inet_diag
    /// program (its length a multiple of 4, under 64 KiB).
    public static func encode(
        table: SocketTable, states: UInt32, sequence: UInt32, extensions: UInt8 = 0, bytecode: [UInt8] = []
    ) -> [UInt8] {
        precondition(bytecode.count % 4 == 0 && bytecode.count < 0xFFFF - 8, "invalid inet_diag program")
        let attributeLength = bytecode.isEmpty ? 0 : SockDiagLayout.attributeHeaderSize + bytecode.count
        let length = baseLength + attributeLength
        var bytes = [UInt8](repeating: 0, count: length)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(
                of: UInt32(length), toByteOffset: SockDiagLayout.headerLengthOffset, as: UInt32.self)
            raw.storeBytes(
                of: SockDiagLayout.typeSockDiagByFamily, toByteOffset: SockDiagLayout.headerTypeOffset,
                as: UInt16.self)
            raw.storeBytes(
                of: SockDiagLayout.flagRequest | SockDiagLayout.flagDump,
                toByteOffset: SockDiagLayout.headerFlagsOffset, as: UInt16.self)
            raw.storeBytes(of: sequence, toByteOffset: SockDiagLayout.headerSequenceOffset, as: UInt32.self)
            let request = SockDiagLayout.headerSize
            raw[request + SockDiagLayout.requestFamilyOffset] =
                table.family == .ipv4 ? SockDiagLayout.familyIPv4 : SockDiagLayout.familyIPv6
            raw[request + SockDiagLayout.requestProtocolOffset] =
                table.transport == .tcp ? SockDiagLayout.protocolTCP : SockDiagLayout.protocolUDP
            raw[request + SockDiagLayout.requestExtensionsOffset] = extensions
            raw.storeBytes(
                of: states, toByteOffset: request + SockDiagLayout.requestStatesOffset, as: UInt32.self)
            guard !bytecode.isEmpty else { return }
            raw.storeBytes(of: UInt16(attributeLength), toByteOffset: baseLength, as: UInt16.self)
            raw.storeBytes(
                of: SockDiagLayout.requestAttributeBytecode, toByteOffset: baseLength + 2, as: UInt16.self)
            for (index, byte) in bytecode.enumerated() {
                raw[baseLength + SockDiagLayout.attributeHeaderSize + index] = byte
            }
        }
        return bytes
    }

    /// The request that serves `selection` on `table`: its state mask and ``extensions(for:)``, and the
    /// local-port program of a ``SocketSelection/connections(localPorts:)`` when ``LocalPortFilter``
    /// builds one.
    ///
    /// Nil for `.connections(localPorts:)` with an empty set: no socket can match, so there is nothing to
    /// ask the kernel.
    public static func encode(table: SocketTable, selection: SocketSelection, sequence: UInt32) -> [UInt8]? {
        var bytecode: [UInt8] = []
        if case .connections(let ports?) = selection {
            if ports.isEmpty { return nil }
            bytecode = LocalPortFilter(ports: ports)?.bytecode ?? []
        }
        return encode(
            table: table, states: SockDiagStates.mask(for: selection, transport: table.transport),
            sequence: sequence, extensions: extensions(for: selection), bytecode: bytecode)
    }
}
