import CryptShim

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// bcrypt through libxcrypt's reentrant `crypt_r` (no Swift bcrypt library needed), loaded from
/// libcrypt.so.1 on first use (see `Sources/CryptShim`).
public enum BCrypt {
    /// Loads libcrypt (once per process); nil when it is available, else a one-line reason naming it.
    public static func loadLibrary() -> String? {
        ccrypt_load().map {
            "libcrypt (libcrypt.so.1, Debian package libcrypt1) could not be loaded: \(String(cString: $0))"
        }
    }

    /// Whether `hash` has bcrypt's form: `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 04 to 31, `$`, and
    /// 53 characters of bcrypt's base-64 alphabet (22 of salt, 31 of hash).
    public static func isHash(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
            let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost)
        else { return false }
        let alphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        return bytes[7...].allSatisfy(alphabet.contains)
    }

    /// Whether Go's `bcrypt.Cost` accepts `hash`, which is all exporter-toolkit checks at start: at least 59
    /// bytes, `$`, a major version byte up to `2`, an optional minor byte, and a cost from 4 to 31 in the two
    /// bytes after the next one. Every ``isHash(_:)`` hash passes; no other byte is looked at.
    public static func goAccepts(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count >= 59, bytes[0] == UInt8(ascii: "$"), bytes[1] <= UInt8(ascii: "2") else {
            return false
        }
        let costStart = bytes[2] == UInt8(ascii: "$") ? 3 : 4
        // Int(_:) accepts what Go's strconv.Atoi does in two bytes: digits after an optional sign.
        guard let cost = Int(String(decoding: bytes[costStart..<costStart + 2], as: UTF8.self)) else {
            return false
        }
        return (4...31).contains(cost)
    }

    /// Whether `password` (bytes, without NUL) hashes to `hash`; compares in time independent of where
    /// they differ. Blocks for the hash's cost: about 50 ms at cost 10.
    public static func verify(password: [UInt8], hash: String) -> Bool {
        guard !password.contains(0), loadLibrary() == nil else { return false }
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)  // about 32 KiB: off the stack
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        let output = (password + [0]).withUnsafeBufferPointer { phrase in
            phrase.withMemoryRebound(to: CChar.self) { ccrypt_r($0.baseAddress, hash, data) }
        }
        guard let output else { return false }
        return constantTimeEqual(Array(String(cString: output).utf8), Array(hash.utf8))
    }

    /// Equal bytes, in time that depends only on the lengths. crypt's failure token `*...` never equals a
    /// valid hash, which starts with `$`.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
