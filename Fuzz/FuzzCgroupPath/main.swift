// libFuzzer target for ContainerIdentity: any bytes as a /proc/PID/cgroup file must give no identity, or a
// pod UID (36 hex digits and dashes) or a 12-digit container id that the file contains. Run with
// scripts/fuzz.sh.
import PortUsageCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCgroupPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let (kind, identity) = ContainerIdentity.of(cgroupFile: text[...]) else { return 0 }
    switch kind {
    case .pod:
        precondition(identity.count == 36 && identity.allSatisfy { $0.isHexDigit || $0 == "-" }, "pod UID")
        let written = identity.split(separator: "-").joined()
        precondition(text.contains(written.prefix(8)), "a pod UID the file does not contain")
    case .container:
        precondition(identity.count == 12 && identity.allSatisfy(\.isHexDigit), "container id")
        precondition(text.contains(identity), "a container id the file does not contain")
    default:
        preconditionFailure("a kind a cgroup path cannot give: \(kind)")
    }
    return 0
}
