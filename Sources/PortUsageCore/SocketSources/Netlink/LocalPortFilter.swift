/// An inet_diag bytecode program that lets the kernel leave out sockets whose local port is not in a set:
/// a superset filter, so the reader still checks each record's port.
///
/// The ports become contiguous ranges; when there are more than ``maximumRanges``, ranges separated by
/// the smallest gaps are merged until there are few enough, so each socket costs the kernel at most
/// `2 × maximumRanges` comparisons. A set whose ranges would cover nearly every port
/// (more than ``maximumCoveredPorts``) gets no filter: it would cost more than it saves.
///
/// ## Program
///
/// The kernel's machine (`inet_diag_bc_run` in `net/ipv4/inet_diag.c`) walks 4-byte ops
/// `{ u8 code; u8 yes; u16 no; }`: it moves forward by `yes` when the op's condition holds and by `no`
/// when not; a socket is accepted when the walk ends exactly at the end of the program and rejected when
/// it ends past it (a jump to `length + 4`). `S_GE` and `S_LE` compare the local port with the `no` field
/// of the op that follows them. Each range `lo...hi` but the last is 20 bytes at offset `p`:
///
/// ```
/// p+0   S_GE yes 8 no 20          p+4   port lo   (below the range: try the next range)
/// p+8   S_LE yes 8 no 12          p+12  port hi   (above the range: try the next range)
/// p+16  JMP  yes 4 no end-(p+16)                  (in the range: jump to the end, accept)
/// ```
///
/// The last range drops the `JMP` (falling off its `S_LE` reaches the end) and its `no` offsets jump to
/// `end + 4`, which rejects. Every offset satisfies `inet_diag_bc_audit`: `yes` and `no` are multiples
/// of 4, at least the op's length, at most the remaining length + 4, and every `no` inside the program
/// lands on an op reached by following `yes` from the start. Only unprivileged ops are used.
public struct LocalPortFilter: Sendable, Equatable {
    /// The default bound on ranges, and so on comparisons per socket (two per range).
    public static let defaultMaximumRanges = 32
    /// The most ports a filter covers; a set whose ranges cover more is not filtered (15/16 of all ports).
    public static let maximumCoveredPorts = 61_440

    /// The port ranges the program accepts, ascending and disjoint with gaps between them.
    public let ranges: [ClosedRange<UInt16>]
    /// The bound the ranges were merged to.
    public let maximumRanges: Int

    /// The filter for `ports`; nil when it would not filter: `ports` is empty (no socket can match, so a
    /// reader asks nothing of the kernel) or its ranges cover more than ``maximumCoveredPorts``.
    ///
    /// - Parameter maximumRanges: at least 1 and at most 1024 (the program's jumps are 16-bit).
    public init?(ports: PortSet, maximumRanges: Int = defaultMaximumRanges) {
        precondition((1...1024).contains(maximumRanges), "maximumRanges must be in 1...1024")
        let exact = Self.contiguousRanges(of: ports.ports)
        guard !exact.isEmpty else { return nil }
        let merged = Self.merge(exact, toAtMost: maximumRanges)
        let covered = merged.reduce(0) { $0 + Int($1.upperBound) - Int($1.lowerBound) + 1 }
        guard covered <= Self.maximumCoveredPorts else { return nil }
        self.ranges = merged
        self.maximumRanges = maximumRanges
    }

    /// Whether the program accepts a socket with local port `port`.
    public func accepts(_ port: UInt16) -> Bool {
        ranges.contains { $0.contains(port) }
    }

    /// The program's bytes, in native byte order, for an `INET_DIAG_REQ_BYTECODE` attribute.
    public var bytecode: [UInt8] {
        let rangeLength = 5 * SockDiagLayout.bytecodeOpSize
        let length = rangeLength * ranges.count - SockDiagLayout.bytecodeOpSize
        var program = [UInt8](repeating: 0, count: length)
        program.withUnsafeMutableBytes { raw in
            var offset = 0
            func op(_ code: UInt8, yes: Int, no: Int) {
                raw[offset] = code
                raw[offset + 1] = UInt8(yes)
                raw.storeBytes(of: UInt16(no), toByteOffset: offset + 2, as: UInt16.self)
                offset += SockDiagLayout.bytecodeOpSize
            }
            func port(_ value: UInt16) {
                raw.storeBytes(of: value, toByteOffset: offset + 2, as: UInt16.self)
                offset += SockDiagLayout.bytecodeOpSize
            }
            for (index, range) in ranges.enumerated() {
                let isLast = index == ranges.count - 1
                let start = offset
                // Where a port outside this range goes: the next range, or past the end (reject).
                let next = isLast ? length + SockDiagLayout.bytecodeOpSize : start + rangeLength
                op(SockDiagLayout.bytecodeSourceGreaterOrEqual, yes: 8, no: next - offset)
                port(range.lowerBound)
                op(SockDiagLayout.bytecodeSourceLessOrEqual, yes: 8, no: next - offset)
                port(range.upperBound)
                if !isLast {
                    op(SockDiagLayout.bytecodeJump, yes: SockDiagLayout.bytecodeOpSize, no: length - offset)
                }
            }
        }
        return program
    }

    /// The maximal runs of consecutive ports in `ports` (ascending).
    static func contiguousRanges(of ports: [UInt16]) -> [ClosedRange<UInt16>] {
        var ranges: [ClosedRange<UInt16>] = []
        var index = 0
        while index < ports.count {
            let lower = ports[index]
            var upper = lower
            index += 1
            while index < ports.count && upper < UInt16.max && ports[index] == upper + 1 {
                upper += 1
                index += 1
            }
            ranges.append(lower...upper)
        }
        return ranges
    }

    /// `ranges` (ascending, disjoint, not adjacent) merged across their smallest gaps until at most
    /// `maximum` remain: the fewest extra ports for that many ranges. Ties merge the lower gap first.
    static func merge(_ ranges: [ClosedRange<UInt16>], toAtMost maximum: Int) -> [ClosedRange<UInt16>] {
        guard ranges.count > maximum else { return ranges }
        // Gap i lies between ranges i and i + 1.
        let gaps = (0..<ranges.count - 1).sorted { left, right in
            let leftGap = ranges[left + 1].lowerBound - ranges[left].upperBound
            let rightGap = ranges[right + 1].lowerBound - ranges[right].upperBound
            return leftGap != rightGap ? leftGap < rightGap : left < right
        }
        var bridged = [Bool](repeating: false, count: ranges.count - 1)
        for gap in gaps.prefix(ranges.count - maximum) { bridged[gap] = true }
        var merged: [ClosedRange<UInt16>] = []
        merged.reserveCapacity(maximum)
        var lower = ranges[0].lowerBound
        for index in ranges.indices {
            if index < bridged.count && bridged[index] { continue }
            merged.append(lower...ranges[index].upperBound)
            if index + 1 < ranges.count { lower = ranges[index + 1].lowerBound }
        }
        return merged
    }
}
