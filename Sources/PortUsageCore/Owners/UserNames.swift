import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// User names by uid, from the system's user database (`getpwuid_r`), cached: a uid's name is looked up
/// once. A uid without a name is given as its number.
public final class UserNames: Sendable {
    private let names = Locked<[UInt32: String]>([:])

    public init() {}

    /// The name of `uid`, or its number.
    public func name(of uid: UInt32) -> String {
        if let cached = names.withLock({ $0[uid] }) { return cached }
        let name = Self.lookUp(uid) ?? String(uid)
        names.withLock { $0[uid] = name }
        return name
    }

    private static func lookUp(_ uid: UInt32) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var size = 1024
        while size <= 1 << 20 {
            let found: String?? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer in
                let status = getpwuid_r(uid_t(uid), &entry, buffer.baseAddress!, size, &result)
                if status == ERANGE { return .none }
                guard status == 0, result != nil, let name = entry.pw_name else { return .some(nil) }
                return .some(String(cString: name))
            }
            if let found { return found }
            size *= 4
        }
        return nil
    }
}
