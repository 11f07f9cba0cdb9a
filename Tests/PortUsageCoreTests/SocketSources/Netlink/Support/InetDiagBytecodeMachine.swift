/// The kernel's inet_diag bytecode checker and machine, transcribed from `inet_diag_bc_audit`,
/// `valid_cc` and `inet_diag_bc_run` (`net/ipv4/inet_diag.c`) for the ops a port filter uses, to test
/// ``LocalPortFilter`` programs without a kernel.
///
/// An op is `{ u8 code; u8 yes; u16 no; }` in native order; port comparisons read the port from the `no`
/// field of the following op.
enum InetDiagBytecodeMachine {
    static let nop: UInt8 = 0
    static let jump: UInt8 = 1
    static let sourceGreaterOrEqual: UInt8 = 2
    static let sourceLessOrEqual: UInt8 = 3
    static let sourceEqual: UInt8 = 11

    private static func op(_ program: [UInt8], _ offset: Int) -> (code: UInt8, yes: Int, no: Int)? {
        guard offset >= 0 && offset + 4 <= program.count else { return nil }
        let no = program.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) }
        return (program[offset], Int(program[offset + 1]), Int(no))
    }

    /// Whether the kernel accepts `program` (`inet_diag_bc_audit` returns 0).
    static func audit(_ program: [UInt8]) -> Bool {
        guard program.count >= 4 else { return false }
        var offset = 0
        var length = program.count
        while length > 0 {
            guard let op = op(program, offset) else { return false }
            var minimumLength = 4
            switch op.code {
            case sourceGreaterOrEqual, sourceLessOrEqual, sourceEqual:
                minimumLength += 4
                guard length >= minimumLength else { return false }
            case jump, nop:
                break
            default:
                return false
            }
            if op.code != nop {
                if op.no < minimumLength || op.no > length + 4 || op.no & 3 != 0 { return false }
                if op.no < length && !validTarget(program, remaining: length - op.no) { return false }
            }
            if op.yes < minimumLength || op.yes > length + 4 || op.yes & 3 != 0 { return false }
            offset += op.yes
            length -= op.yes
        }
        return length == 0
    }

    /// `valid_cc`: whether following `yes` from the start reaches the op with `remaining` bytes left.
    private static func validTarget(_ program: [UInt8], remaining: Int) -> Bool {
        var length = program.count
        var offset = 0
        while length >= 0 {
            if remaining > length { return false }
            if remaining == length { return true }
            guard let op = op(program, offset), op.yes >= 4, op.yes & 3 == 0 else { return false }
            length -= op.yes
            offset += op.yes
        }
        return false
    }

    /// Whether `program` accepts a socket with local port `port` (`inet_diag_bc_run` returns 1). The
    /// program should have passed ``audit(_:)``; any other program still ends (rejected). Also returns the
    /// number of ops run.
    static func run(_ program: [UInt8], localPort port: UInt16) -> (accepted: Bool, steps: Int) {
        var offset = 0
        var length = program.count
        var steps = 0
        while length > 0 {
            guard let op = op(program, offset) else { return (false, steps) }
            steps += 1
            var yes = true
            let operand = Self.op(program, offset + 4).map { UInt16($0.no) }
            switch (op.code, operand) {
            case (nop, _): break
            case (jump, _): yes = false
            case (sourceGreaterOrEqual, let value?): yes = port >= value
            case (sourceLessOrEqual, let value?): yes = port <= value
            case (sourceEqual, let value?): yes = port == value
            default: return (false, steps)
            }
            let step = yes ? op.yes : op.no
            guard step > 0 else { return (false, steps) }  // the kernel's audit rules this out
            length -= step
            offset += step
        }
        return (length == 0, steps)
    }
}
