// libFuzzer target for the JSON reader and the Prometheus reply (`policy generate --from-prometheus`):
// any bytes either give a value that the writer turns back into text that reads as the same value, or an
// error at an offset inside the input; a reply either gives a vector or an error of one line. Never a
// crash, deep recursion or a hang. Run with scripts/fuzz.sh.
import PortUsageCore
import PortUsagePolicy

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrometheusJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let reader = JSONReader(maxBytes: 1 << 20, maxDepth: 32)
    do {
        let value = try reader.read(bytes)
        let again = try reader.read(Array(value.text.utf8))
        precondition(again == value, "\(value.text) read back as \(again.text)")
    } catch {
        precondition(
            error.offset >= 0 && error.offset <= bytes.count, "offset \(error.offset) of \(bytes.count)")
        precondition(!error.reason.isEmpty)
    }
    do {
        let vector = try PrometheusVector(status: 200, body: bytes, reader: reader)
        precondition(vector.samples.count <= bytes.count)
    } catch {
        precondition(!error.description.isEmpty && !error.description.contains(where: \.isNewline))
    }
    return 0
}
