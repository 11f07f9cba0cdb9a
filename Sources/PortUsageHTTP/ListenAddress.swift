/// One `--web.listen-address` value: `:10768` (every interface), `127.0.0.1:10768`, `[::1]:10768` or
/// `hostname:10768`.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host to bind, or `nil` for every interface (dual-stack `::`, or `0.0.0.0` without IPv6).
    public var host: String?
    public var port: Int

    /// The address as the user wrote it, normalised (`[::1]:10768`).
    public var description: String {
        guard let host else { return ":\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `text`, or returns `nil` when it is not `[host]:port`.
    public init?(parsing text: String) {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":")
            else {
                return nil
            }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
            guard hostPart.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else { return nil }
        }
        guard !portPart.isEmpty, portPart.allSatisfy(\.isASCIIDigit), let port = Int(portPart), port <= 65535
        else {
            return nil
        }
        self.init(host: hostPart.isEmpty ? nil : String(hostPart), port: port)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
