/// Numbers and struct offsets of the netlink and sock_diag ABI (`linux/netlink.h`, `linux/sock_diag.h`,
/// `linux/inet_diag.h`), in one place so encoder and parser agree.
///
/// Every kernel struct here is in native byte order except the ports and addresses of
/// `struct inet_diag_sockid`, which are in network order.
enum SockDiagLayout {
    // MARK: netlink (linux/netlink.h)

    /// `NETLINK_SOCK_DIAG`, the protocol of the socket.
    static let netlinkSockDiag: Int32 = 4
    /// `sizeof(struct nlmsghdr)`: `nlmsg_len` u32 @0, `nlmsg_type` u16 @4, `nlmsg_flags` u16 @6,
    /// `nlmsg_seq` u32 @8, `nlmsg_pid` u32 @12.
    static let headerSize = 16
    static let headerLengthOffset = 0
    static let headerTypeOffset = 4
    static let headerFlagsOffset = 6
    static let headerSequenceOffset = 8
    static let headerPortIDOffset = 12

    /// `NLMSG_NOOP`: nothing, skipped.
    static let typeNoop: UInt16 = 1
    /// `NLMSG_ERROR`: payload `struct nlmsgerr`, an `int error` (negative errno, 0 for an ACK) first.
    static let typeError: UInt16 = 2
    /// `NLMSG_DONE`: the end of a dump; payload an `int`, negative on error.
    static let typeDone: UInt16 = 3
    /// `SOCK_DIAG_BY_FAMILY`: request and reply type of inet_diag.
    static let typeSockDiagByFamily: UInt16 = 20

    /// `NLM_F_REQUEST`.
    static let flagRequest: UInt16 = 0x01
    /// `NLM_F_DUMP_INTR`: the dump was interrupted by a change of the table and may be inconsistent.
    static let flagDumpInterrupted: UInt16 = 0x10
    /// `NLM_F_DUMP` (`NLM_F_ROOT | NLM_F_MATCH`).
    static let flagDump: UInt16 = 0x300

    /// `NLMSG_ALIGN`: messages and attributes start at multiples of 4.
    @inline(__always)
    static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    // MARK: inet_diag_req_v2 (linux/inet_diag.h)

    /// `sizeof(struct inet_diag_req_v2)`: `sdiag_family` u8 @0, `sdiag_protocol` u8 @1, `idiag_ext` u8 @2,
    /// `pad` u8 @3, `idiag_states` u32 @4, `struct inet_diag_sockid id` (48 bytes) @8.
    static let requestSize = 56
    static let requestFamilyOffset = 0
    static let requestProtocolOffset = 1
    static let requestExtensionsOffset = 2
    static let requestStatesOffset = 4

    /// The `idiag_ext` bit that asks for `INET_DIAG_SKMEMINFO` (`1 << (INET_DIAG_SKMEMINFO - 1)`); it
    /// needs no privilege.
    static let extensionSocketMemory: UInt8 = 1 << (7 - 1)

    /// `INET_DIAG_REQ_BYTECODE`, the request attribute that carries a filter program.
    static let requestAttributeBytecode: UInt16 = 1

    /// `AF_INET` and `AF_INET6` as the kernel numbers them.
    static let familyIPv4: UInt8 = 2
    static let familyIPv6: UInt8 = 10
    /// `IPPROTO_TCP` and `IPPROTO_UDP`.
    static let protocolTCP: UInt8 = 6
    static let protocolUDP: UInt8 = 17

    // MARK: inet_diag_msg (linux/inet_diag.h)

    /// `sizeof(struct inet_diag_msg)`.
    static let messageSize = 72
    /// `idiag_family` u8 @0, `idiag_state` u8 @1, `idiag_timer` u8 @2, `idiag_retrans` u8 @3.
    static let messageFamilyOffset = 0
    static let messageStateOffset = 1
    /// `id.idiag_sport` be16 @4, `id.idiag_dport` be16 @6.
    static let messageSourcePortOffset = 4
    static let messageDestinationPortOffset = 6
    /// `id.idiag_src[4]` @8 and `id.idiag_dst[4]` @24: 16 bytes each, network order; IPv4 uses the first 4.
    static let messageSourceAddressOffset = 8
    static let messageDestinationAddressOffset = 24
    /// `id.idiag_if` u32 @40, `id.idiag_cookie[2]` @44, `idiag_expires` u32 @52.
    /// `idiag_rqueue` u32 @56, `idiag_wqueue` u32 @60, `idiag_uid` u32 @64, `idiag_inode` u32 @68.
    static let messageReceiveQueueOffset = 56
    static let messageSendQueueOffset = 60
    static let messageUIDOffset = 64
    static let messageInodeOffset = 68

    /// `struct rtattr` / `struct nlattr`: `rta_len` u16 @0 (header included), `rta_type` u16 @2.
    static let attributeHeaderSize = 4
    /// The flag bits of an attribute type (`NLA_F_NESTED`, `NLA_F_NET_BYTEORDER`), masked off.
    static let attributeTypeMask: UInt16 = 0x3FFF
    /// `INET_DIAG_SKV6ONLY`: u8, whether an IPv6 listener or unconnected socket is `IPV6_V6ONLY`.
    static let attributeV6Only: UInt16 = 11
    /// `INET_DIAG_CGROUP_ID`: u64, the socket's cgroup v2 id.
    static let attributeCgroupID: UInt16 = 21
    /// `INET_DIAG_SKMEMINFO`: `u32 mem[SK_MEMINFO_VARS]` (`linux/sock_diag.h`), as many as the kernel knows.
    static let attributeSocketMemory: UInt16 = 7
    /// The byte offset of `SK_MEMINFO_DROPS` (index 8, `sk_drops`) in `INET_DIAG_SKMEMINFO`'s value; older
    /// kernels send fewer words.
    static let socketMemoryDropsOffset = 8 * 4

    // MARK: inet_diag_bc_op (linux/inet_diag.h)

    /// `sizeof(struct inet_diag_bc_op)`: `code` u8 @0, `yes` u8 @1, `no` u16 @2.
    static let bytecodeOpSize = 4
    /// `INET_DIAG_BC_JMP`: always jumps by `no`.
    static let bytecodeJump: UInt8 = 1
    /// `INET_DIAG_BC_S_GE`: local port >= the `no` field of the next op.
    static let bytecodeSourceGreaterOrEqual: UInt8 = 2
    /// `INET_DIAG_BC_S_LE`: local port <= the `no` field of the next op.
    static let bytecodeSourceLessOrEqual: UInt8 = 3
}

extension UnsafeRawBufferPointer {
    /// The native-endian `T` at `offset`, which need not be aligned. The caller has checked the bounds.
    @inline(__always)
    func load<T: FixedWidthInteger>(nativeAt offset: Int, as type: T.Type) -> T {
        baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self)
    }

    /// The big-endian (network order) `T` at `offset`, which need not be aligned. The caller has checked
    /// the bounds.
    @inline(__always)
    func load<T: FixedWidthInteger>(bigEndianAt offset: Int, as type: T.Type) -> T {
        T(bigEndian: baseAddress.unsafelyUnwrapped.loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
