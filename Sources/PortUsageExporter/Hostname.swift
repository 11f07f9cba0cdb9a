#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// This host's name, as `gethostname(2)` reports it.
enum Hostname {
    static func current() -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let succeeded = buffer.withUnsafeMutableBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, $0.count - 1) == 0 }
        }
        guard succeeded else { return "localhost" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
