// libFuzzer target for ProcNetParser: any bytes, fed in chunks whose size the input chooses, must parse
// without a crash and give counts that hold together. Run with scripts/fuzz.sh.
import PortUsageCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcNet(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let table = SocketTable.allCases[Int(data[0]) % SocketTable.allCases.count]
    let chunkSize = Int(data[1]) + 1
    let text = UnsafeRawBufferPointer(start: data + 2, count: size - 2)
    var parser = ProcNetParser(table: table, tracksConnections: true)
    var start = 0
    while start < text.count {
        let end = min(start + chunkSize, text.count)
        parser.consume(UnsafeRawBufferPointer(rebasing: text[start..<end]))
        start = end
    }
    let counts = parser.finish()
    let whole = ProcNetParser.parse(text, table: table, tracksConnections: true)
    precondition(counts == whole, "chunking changed the result")
    let lines = text.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    let sockets = counts.states.values.reduce(0, +)
    precondition(sockets + counts.skippedLines <= lines, "more sockets than lines")
    precondition(counts.listeners.values.reduce(0, +) <= sockets, "more listeners than sockets")
    let snapshot = SocketSnapshot(readings: [
        TableReading(table: table, result: .success(counts), durationSeconds: 0)
    ])
    let connections = snapshot.counts(of: table)?.connections.values.reduce(0, +) ?? 0
    precondition(connections <= sockets, "more connections than sockets")
    return 0
}
