// libFuzzer target for ContainerIdentity: any bytes as a /proc/PID/cgroup file must give no identity, or a
// pod UID (a UUID, 8-4-4-4-12 ASCII hex digits) or a 12-digit container id that the file contains (a UID's
// dashes may be the underscores systemd writes). Run with scripts/fuzz.sh.
import PortUsageCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCgroupPath(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let (kind, identity) = ContainerIdentity.of(cgroupFile: text[...]) else { return 0 }
    switch kind {
    case .pod:
        let groups = identity.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        precondition(groups == [8, 4, 4, 4, 12] && identity.utf8.allSatisfy(isHexOrDash), "pod UID")
        let dashed = UnsafeBufferPointer(start: data, count: size).map {
            $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0
        }
        precondition(contains(dashed, Array(identity.utf8)), "a pod UID the file does not contain")
    case .container:
        precondition(identity.utf8.count == 12 && identity.utf8.allSatisfy(isHexOrDash), "container id")
        let bytes = Array(UnsafeBufferPointer(start: data, count: size))
        precondition(contains(bytes, Array(identity.utf8)), "a container id the file does not contain")
    default:
        preconditionFailure("a kind a cgroup path cannot give: \(kind)")
    }
    return 0
}

/// An ASCII hexadecimal digit or a dash.
func isHexOrDash(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte) || byte == UInt8(ascii: "-")
}

/// Whether `bytes` contains `needle` as a contiguous run.
func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
    guard needle.count <= bytes.count else { return false }
    return (0...(bytes.count - needle.count)).contains {
        bytes[$0..<($0 + needle.count)].elementsEqual(needle)
    }
}
