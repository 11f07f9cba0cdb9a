/// The user and password of an `Authorization: Basic <base64(user:password)>` header (RFC 7617).
struct BasicCredentials {
    /// nil when the user name is not valid UTF-8 (so it names no configured user).
    var user: String?
    var userBytes: [UInt8]
    var password: [UInt8]

    /// nil for a missing header, another scheme, bad base 64 or no `:`.
    init?(authorization: String?) {
        guard let authorization else { return nil }
        let scheme = "basic "
        guard authorization.utf8.count > scheme.utf8.count,
            authorization.prefix(scheme.count).lowercased() == scheme,
            let decoded = Base64.decode(authorization.dropFirst(scheme.count)),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { return nil }
        userBytes = Array(decoded[..<colon])
        user = String(validating: userBytes, as: UTF8.self)
        password = Array(decoded[(colon + 1)...])
    }
}
