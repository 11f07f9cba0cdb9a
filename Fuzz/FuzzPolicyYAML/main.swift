// libFuzzer target for the policy file (--policy.file): any bytes either give a policy or an error that
// names a position inside the input, never a crash or a hang (nesting and aliases are bounded as the
// events arrive). Run with scripts/fuzz.sh.
import PortUsageCore
import PortUsagePolicy
import PortUsageYAML

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicyYAML(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        let policy = try PolicyFile.parse(bytes, file: "fuzz.yml")
        for expected in policy.expected {
            precondition(expected.ports.lowerBound <= expected.ports.upperBound)
        }
        precondition(!policy.watchedRanges.isEmpty || bytes.contains(UInt8(ascii: "[")))
    } catch {
        // YAML breaks lines at \n, \r, and (in UTF-8) NEL, LS and PS, which end in 0x85, 0xA8 and 0xA9.
        let lines = bytes.count { [0x0A, 0x0D, 0x85, 0xA8, 0xA9].contains($0) } + 1
        precondition(error.line >= 0 && error.line <= lines + 1, "error line \(error.line) of \(lines)")
        precondition(!error.reason.isEmpty)
    }
    return 0
}
