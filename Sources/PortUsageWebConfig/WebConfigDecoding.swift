import PortUsageYAML

/// Decodes the web configuration's sections from YAML nodes with exporter-toolkit's rules (Go's yaml.v2
/// in strict mode): what it refuses is an error at the node, what it accepts is decoded to the same effect,
/// and what is weak or cannot have exactly Go's effect is collected in ``warnings``.
struct WebConfigDecoder {
    let yaml: YAMLDecoder
    private(set) var warnings: [WebConfigWarning] = []

    init(file: String) {
        yaml = YAMLDecoder(file: file)
    }

    mutating func warn(_ node: YAMLNode, _ key: String, _ reason: String) {
        warnings.append(WebConfigWarning(key: key, line: node.line, column: node.column, reason: reason))
    }

    mutating func httpServerConfig(_ node: YAMLNode) throws(YAMLFileError) -> [ResponseHeader] {
        var headers: [ResponseHeader] = []
        for (key, value) in try yaml.mapping(node, allowing: ["headers", "http2"]) where !value.isNull {
            switch key {
            case "headers":
                headers = try responseHeaders(value)
            default:
                if try yaml.bool(value) {
                    warn(value, "http2", "HTTP/2 is not supported; clients are served HTTP/1.1")
                }
            }
        }
        return headers
    }

    mutating func basicAuthUsers(_ node: YAMLNode) throws(YAMLFileError) -> [String: String] {
        guard case .mapping(let entries) = node.content else {
            throw yaml.error(node, "expected a mapping of user name to bcrypt hash, found \(node.kind)")
        }
        var users: [String: String] = [:]
        for (keyNode, value) in entries {
            let user = try text(keyNode) ?? ""
            let hash = try text(value) ?? ""
            guard BCrypt.goAccepts(hash) else {
                throw yaml.error(
                    value, "the password of user '\(user)' is not a bcrypt hash ($2a$, $2b$ or $2y$)")
            }
            guard users.updateValue(hash, forKey: user) == nil else {
                throw yaml.error(keyNode, "user '\(user)' given twice")
            }
            if user.contains(":") {
                warn(
                    keyNode, "basic_auth_users",
                    "user '\(user)' can never log in: Basic credentials end the name at ':'")
            } else if !BCrypt.isHash(hash) {
                warn(
                    value, "basic_auth_users",
                    "user '\(user)' can never log in: the hash is not standard bcrypt ($2a$, $2b$ or $2y$, cost 04-31, "
                        + "53 characters of bcrypt's alphabet)")
            }
        }
        return users
    }

    /// The allowed headers and values are exporter-toolkit's: security headers only, never one the server
    /// sets itself (Content-Type, Content-Length, Content-Encoding, ...). Line breaks become spaces, as Go's
    /// net/http writes them.
    private func responseHeaders(_ node: YAMLNode) throws(YAMLFileError) -> [ResponseHeader] {
        let allowed: [String: [String]] = [
            "Strict-Transport-Security": [], "X-Content-Type-Options": ["nosniff"],
            "X-Frame-Options": ["deny", "sameorigin"], "X-XSS-Protection": [], "Content-Security-Policy": [],
        ]
        var headers: [ResponseHeader] = []
        for (name, value) in try yaml.mapping(node, allowing: allowed.keys.sorted()) {
            let text = try text(value) ?? ""
            let values = allowed[name] ?? []
            guard values.isEmpty || values.contains(text) else {
                throw yaml.error(
                    value,
                    "invalid value '\(text)' for \(name); expected one of \(values.joined(separator: ", "))")
            }
            let spaced = String(
                String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : $0 }))
            guard !spaced.contains(where: \.isNewline), !spaced.unicodeScalars.contains(where: Self.isControl)
            else {
                throw yaml.error(
                    value, "header value must not contain control characters or other line breaks")
            }
            headers.append(ResponseHeader(name: name, value: spaced.trimmingSpaces()))
        }
        return headers
    }

    /// C0 and C1 control characters other than tab, which no header value may carry.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }

    /// A scalar's text; nil for null or an empty string, which Go leaves at the zero value.
    func text(_ node: YAMLNode) throws(YAMLFileError) -> String? {
        if node.isNull { return nil }
        let text = try yaml.scalar(node)
        return text.isEmpty ? nil : text
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (what Go's textproto.TrimString removes after the line
    /// breaks became spaces).
    fileprivate func trimmingSpaces() -> String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isBlank).reversed().drop(while: isBlank).reversed())
    }
}
