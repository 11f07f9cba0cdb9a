/// The exporter's effective capabilities, read from `/proc/self/status` (`CapEff`).
public struct Capabilities: Sendable, Equatable {
    /// The bits of `CapEff`.
    public var effective: UInt64

    /// `CAP_SYS_PTRACE`: read other users' `/proc/PID/ns` and `/proc/PID/fd`.
    public static let sysPtrace = 19
    /// `CAP_SYS_ADMIN`: `setns` into another network namespace.
    public static let sysAdmin = 21

    /// The capabilities of this process now; none when they cannot be read.
    public static func current() -> Capabilities {
        let text = (try? FileReader.readText("/proc/self/status", limit: 64 * 1024)) ?? ""
        let line = text.split(separator: "\n").first { $0.hasPrefix("CapEff:") }
        let digits = line?.dropFirst("CapEff:".count).filter { !$0.isWhitespace } ?? ""
        return Capabilities(effective: UInt64(digits, radix: 16) ?? 0)
    }

    /// Whether capability number `capability` is effective.
    public func has(_ capability: Int) -> Bool {
        effective & (1 << UInt64(capability)) != 0
    }
}
