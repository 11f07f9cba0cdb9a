// libFuzzer target for ProcNetParser: any bytes, fed in chunks whose size the input chooses, must parse
// without a crash and give records and counts that hold together. Run with scripts/fuzz.sh.
import PortUsageCore

/// Counts records and checks each one's shape against its table.
struct CheckingConsumer: SocketRecordConsumer {
    let table: SocketTable
    var counter = SocketCounter(countsConnections: true)
    var records = 0

    mutating func consume(_ record: SocketRecord) {
        precondition(record.table == table, "a record of another table")
        precondition(record.remoteAddress.family == record.localAddress.family, "mixed families")
        counter.consume(record)
        records += 1
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcNet(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let table = SocketTable.allCases[Int(data[0]) % SocketTable.allCases.count]
    let chunkSize = Int(data[1]) + 1
    let text = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    var parser = ProcNetParser(table: table)
    var chunked = CheckingConsumer(table: table)
    var start = 0
    while start < text.count {
        let end = min(start + chunkSize, text.count)
        parser.consume(UnsafeRawBufferPointer(rebasing: text[start..<end]), into: &chunked)
        start = end
    }
    let report = parser.finish(into: &chunked)
    var whole = CheckingConsumer(table: table)
    let wholeReport = ProcNetParser.parse(text, table: table, into: &whole)
    let counts = chunked.counter.finish()
    precondition(report == wholeReport && counts == whole.counter.finish(), "chunking changed the result")
    let lines = text.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    precondition(chunked.records + report.skipped <= lines, "more sockets than lines")
    let sockets = counts.states.values.flatMap(\.values).reduce(0, +)
    precondition(sockets == chunked.records, "a record not counted by state")
    precondition(counts.listeners.values.reduce(0) { $0 + Int($1) } <= sockets, "more listeners than sockets")
    precondition(
        counts.connections.values.reduce(0) { $0 + Int($1) } <= sockets, "more connections than sockets")
    return 0
}
