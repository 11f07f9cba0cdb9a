// libFuzzer target for the sock_diag reply parser and the local-port bytecode filter. Run with
// scripts/fuzz.sh.
//
// Input: byte 0 chooses what is fuzzed.
// - Bit 7 clear: the reply parser. Bits 0-1 pick the table, bit 2 whether the port id is checked; bytes 1-4
//   are the request's sequence number and bytes 5-8 its port id (little-endian); the rest is the reply.
//   It is parsed whole, then again one message per datagram, which must give the same result.
// - Bit 7 set: the bytecode filter. Byte 1 is the bound on ranges (1 + byte % 64); the rest are ports
//   (little-endian pairs). The program must pass the kernel's checks and accept every port of the set.
import PortUsageCore

/// Checks each record's shape against the dumped table and keeps them for comparison.
struct CheckingConsumer: SocketRecordConsumer {
    let table: SocketTable
    var records: [SocketRecord] = []

    mutating func consume(_ record: SocketRecord) {
        precondition(record.table == table, "a record of another table")
        precondition(record.remoteAddress.family == record.localAddress.family, "mixed families")
        precondition(record.family == .ipv6 || record.v6only == nil, "v6only on an IPv4 socket")
        if records.count < 4096 { records.append(record) }
    }
}

private func littleEndian32(_ data: UnsafePointer<UInt8>, _ offset: Int) -> UInt32 {
    (0..<4).reduce(0) { $0 | UInt32(data[offset + $1]) << (8 * UInt32($1)) }
}

private func fuzzParser(_ data: UnsafePointer<UInt8>, _ size: Int) {
    guard size >= 9 else { return }
    let table = SocketTable.allCases[Int(data[0] & 3)]
    let sequence = littleEndian32(data, 1)
    let portID: UInt32? = data[0] & 4 != 0 ? littleEndian32(data, 5) : nil
    let reply = UnsafeRawBufferPointer(start: data + 9, count: size - 9)

    var whole = InetDiagReplyParser(table: table, sequence: sequence, portID: portID)
    var wholeRecords = CheckingConsumer(table: table)
    let wholeError: SocketSourceError?
    do {
        try whole.parse(reply, into: &wholeRecords)
        wholeError = nil
    } catch {
        wholeError = error
    }
    precondition(whole.recordCount + whole.report.skipped <= whole.messageCount, "more results than messages")
    precondition((whole.report.skipped > 0) == (whole.report.firstSkipped != nil), "skips without an example")
    guard wholeError == nil else { return }

    // Well framed: one message per datagram gives the same records, report and end.
    var split = InetDiagReplyParser(table: table, sequence: sequence, portID: portID)
    var splitRecords = CheckingConsumer(table: table)
    var offset = 0
    while offset < reply.count && !split.isDone {
        let length =
            Int(reply[offset])
            | Int(reply[offset + 1]) << 8 | Int(reply[offset + 2]) << 16 | Int(reply[offset + 3]) << 24
        let end = min(offset + ((length + 3) & ~3), reply.count)
        do {
            try split.parse(UnsafeRawBufferPointer(rebasing: reply[offset..<end]), into: &splitRecords)
        } catch {
            preconditionFailure("a message that parsed in the whole reply failed alone: \(error)")
        }
        offset = end
    }
    precondition(splitRecords.records == wholeRecords.records, "splitting changed the records")
    precondition(split.report == whole.report, "splitting changed the report")
    precondition(split.isDone == whole.isDone && split.isInterrupted == whole.isInterrupted)
}

/// The kernel's `inet_diag_bc_run` for the ops the filter emits.
private func run(_ program: [UInt8], port: UInt16) -> Bool {
    var offset = 0
    var length = program.count
    while length > 0 {
        precondition(offset + 8 <= program.count || program[offset] == 1, "op past the program")
        let code = program[offset]
        let yes = Int(program[offset + 1])
        let no = Int(program[offset + 2]) | Int(program[offset + 3]) << 8
        let operand = code == 1 ? 0 : UInt16(program[offset + 6]) | UInt16(program[offset + 7]) << 8
        let taken: Bool
        switch code {
        case 1: taken = false
        case 2: taken = port >= operand
        case 3: taken = port <= operand
        default: preconditionFailure("unexpected op \(code)")
        }
        let step = taken ? yes : no
        precondition(step >= 4 && step % 4 == 0 && step <= length + 4, "a jump the kernel's audit rejects")
        offset += step
        length -= step
    }
    return length == 0
}

private func fuzzFilter(_ data: UnsafePointer<UInt8>, _ size: Int) {
    guard size >= 2 else { return }
    let maximumRanges = 1 + Int(data[1]) % 64
    let ports = stride(from: 2, to: size - 1, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
    guard let filter = LocalPortFilter(ports: PortSet(ports), maximumRanges: maximumRanges) else {
        // Only an empty set, or one merged into ranges covering nearly every port, goes unfiltered; an
        // input is too short to hold 61,441 ports, so the set must have been merged.
        let sorted = PortSet(ports).ports
        let runs = zip(sorted, sorted.dropFirst()).filter { $0.0 + 1 != $0.1 }.count + 1
        precondition(sorted.isEmpty || runs > maximumRanges, "no filter for a set that needs no merging")
        return
    }
    precondition(filter.ranges.count <= maximumRanges, "too many ranges")
    let program = filter.bytecode
    precondition(program.count == 20 * filter.ranges.count - 4)
    for port in ports {
        precondition(run(program, port: port), "a port of the set is rejected")
    }
    for port in ports.prefix(16) {
        for probe in [port &- 1, port &+ 1, port ^ 0x5A5A] {
            precondition(run(program, port: probe) == filter.accepts(probe), "the program and accepts differ")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSockDiag(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    if data[0] & 0x80 == 0 {
        fuzzParser(data, size)
    } else {
        fuzzFilter(data, size)
    }
    return 0
}
