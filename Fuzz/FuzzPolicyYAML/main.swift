// libFuzzer target for the policy file (--policy.file): any bytes either give a policy or an error that
// names a position inside the input, never a crash or a hang (nesting and aliases are bounded as the
// events arrive). A policy that loads then judges listeners owned by names taken from the input, so the
// globs of its owner and namespace constraints run against hostile names too. Run with scripts/fuzz.sh.
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
        judge(policy, names: String(decoding: bytes.suffix(64), as: UTF8.self))
    } catch {
        // YAML breaks lines at \n, \r, and (in UTF-8) NEL, LS and PS, which end in 0x85, 0xA8 and 0xA9.
        let lines = bytes.count { [0x0A, 0x0D, 0x85, 0xA8, 0xA9].contains($0) } + 1
        precondition(error.line >= 0 && error.line <= lines + 1, "error line \(error.line) of \(lines)")
        precondition(!error.reason.isEmpty)
    }
    return 0
}

/// Judges a listener on each port the policy names, owned by `names` (and by nobody known), and checks
/// that every socket is counted once at most and every required entry is judged.
private func judge(_ policy: PortPolicy, names: String) {
    let table = SocketTable(transport: .tcp, family: .ipv4)
    let ports = policy.expected.prefix(16).map(\.ports.lowerBound)
    let listeners = ports.map {
        ListenerSeries(
            transport: .tcp, family: .ipv4, port: .port($0), exposure: .any, classification: nil, count: 2,
            netns: names)
    }
    let owners = ports.map {
        ListenerOwnership(
            table: table, port: .port($0), exposure: .any, user: names, unit: names, process: names,
            sockets: 2)
    }
    for owners in [owners, nil] {
        let judgement = PolicyJudgement(policy: policy, listeners: listeners, owners: owners)
        precondition(
            judgement.unexpected.allSatisfy { $0.sockets <= 2 && listeners.indices.contains($0.series) })
        precondition(judgement.requirements.count == policy.expected.count { $0.isRequired })
    }
}
