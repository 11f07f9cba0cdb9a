// libFuzzer target for the registry CSV path (--registry.file): any bytes either load or give an error,
// never a crash, and a loaded registry answers every lookup. Run with scripts/fuzz.sh.
import PortUsageCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRegistryCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let csv = try? RegistryCSV(bytes: bytes, path: "fuzz.csv") else { return 0 }
    let registry = IANARegistry(
        records: csv.records, source: .file, updated: csv.updated, recordCount: csv.recordCount)
    for record in csv.records.prefix(16) {
        let found = registry.assignment(
            port: record.ports.lowerBound, transport: record.protocols.includes(.tcp) ? .tcp : .udp)
        precondition(found.status != .unassigned || (record.serviceName.isEmpty && !record.reservesPort))
    }
    let (decoded, dropped) = CompactRegistryTable.decode(CompactRegistryTable.encode(csv), source: .file)
    precondition(dropped == 0, "the compact form dropped a record")
    for port in [0, 22, 771, 1023, 49151, 65535] as [UInt16] {
        for transport in TransportProtocol.allCases {
            precondition(
                decoded.assignment(port: port, transport: transport)
                    == registry.assignment(port: port, transport: transport),
                "the compact form changed \(port)/\(transport)")
        }
    }
    return 0
}
