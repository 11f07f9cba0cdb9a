/// A file path as the kernel has it: bytes, which need not be UTF-8 (a name under `/run/netns` is any
/// bytes but `/` and NUL). A `String` would replace the invalid bytes and name another file.
public struct RawPath: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public var bytes: [UInt8]

    public init(bytes: some Sequence<UInt8>) { self.bytes = Array(bytes) }

    public init(_ text: String) { bytes = Array(text.utf8) }

    public init(stringLiteral value: String) { self.init(value) }

    /// The path with `component` added after a `/`.
    public func appending(_ component: some Sequence<UInt8>) -> RawPath {
        RawPath(bytes: bytes + [UInt8(ascii: "/")] + component)
    }

    /// Calls `body` with the path as a NUL-terminated C string.
    public func withCString<Result>(_ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try buffer.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
        }
    }

    /// The path as text: valid UTF-8 as it is, each invalid byte as `\xHH` (``String/init(escapingInvalidUTF8:)``).
    public var description: String { String(escapingInvalidUTF8: bytes) }
}

extension String {
    /// `bytes` as text: valid UTF-8 sequences as they are, every byte of an invalid one as `\xHH`, so
    /// that names which differ only in invalid bytes stay different (a lossy decoding would make them
    /// all `U+FFFD`).
    public init(escapingInvalidUTF8 bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        if let valid = String(validating: bytes, as: UTF8.self) {
            self = valid
            return
        }
        var text = ""
        var index = 0
        while index < bytes.count {
            // The shortest prefix that is one whole scalar (UTF-8 sequences are 1 to 4 bytes), else the
            // first byte is invalid on its own.
            let scalar = (1...Swift.min(4, bytes.count - index)).lazy.compactMap { length in
                String(validating: bytes[index..<(index + length)], as: UTF8.self).map { ($0, length) }
            }.first
            if let (character, length) = scalar {
                text += character
                index += length
            } else {
                let byte = bytes[index]
                text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
                index += 1
            }
        }
        self = text
    }
}
