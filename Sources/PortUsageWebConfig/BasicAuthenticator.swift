import PortUsageCore

/// Checks `Authorization: Basic` headers against `basic_auth_users`, as exporter-toolkit does.
///
/// A bcrypt verification costs about 50 ms of CPU at cost 10, so decisions are cached: up to
/// ``cacheCapacity`` (user, password) pairs, keyed by a 128-bit keyed hash (SipHash with the process's
/// random seed) rather than the password itself, are remembered with their result, and a full cache forgets
/// a random entry. A user name that is not configured is verified against a dummy hash of the configured
/// hashes' cost (the highest, when they differ), so that the time taken does not tell which users exist.
public final class BasicAuthenticator: Sendable {
    /// Verifies a password against a bcrypt hash; ``BCrypt/verify(password:hash:)`` unless a test counts calls.
    public typealias Verifier = @Sendable (_ password: [UInt8], _ hash: String) -> Bool

    public static let cacheCapacity = 100
    /// Salt and hash of a bcrypt hash of a random password that was discarded; behind any cost's prefix it
    /// takes that cost's time to verify.
    private static let dummySaltAndHash = "gjjZ7CC3lEV1ynZNCKnPbekrMyH/5TqhetVS1Vwrs3zT1CGeRnWSm"

    private struct CacheKey: Hashable {
        var first: Int
        var second: Int
    }

    private let users: [String: String]
    /// What unknown users are verified against.
    private let dummyHash: String
    private let verifier: Verifier
    private let cache = Locked<[CacheKey: Bool]>([:])

    /// `users` maps user names to bcrypt hashes; a user whose hash is not ``BCrypt/isHash(_:)`` never logs in.
    public init(users: [String: String], verifier: @escaping Verifier = BCrypt.verify) {
        self.users = users
        self.verifier = verifier
        let cost =
            users.values.filter(BCrypt.isHash).compactMap { Int($0.dropFirst(4).prefix(2)) }.max() ?? 10
        dummyHash = "$2y$" + (cost < 10 ? "0" : "") + "\(cost)$" + Self.dummySaltAndHash
    }

    /// The decision without bcrypt, cheap enough for an event loop: false for a missing or malformed
    /// header, the cached result for a known pair, nil when ``verify(authorization:)`` must decide.
    public func cachedDecision(authorization: String?) -> Bool? {
        guard let credentials = BasicCredentials(authorization: authorization) else { return false }
        let key = Self.key(credentials)
        return cache.withLock { $0[key] }
    }

    /// Whether the header names a configured user with the right password; blocks for a bcrypt
    /// verification unless the pair is cached, and caches the result.
    public func verify(authorization: String?) -> Bool {
        guard let credentials = BasicCredentials(authorization: authorization) else { return false }
        let key = Self.key(credentials)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        // A hash that is not standard bcrypt counts as no user: crypt_r might read it as another scheme.
        let hash = credentials.user.flatMap { users[$0] }.flatMap { BCrypt.isHash($0) ? $0 : nil }
        let matches = verifier(credentials.password, hash ?? dummyHash)
        let accepted = hash != nil && matches
        cache.withLock { cache in
            if cache.count >= Self.cacheCapacity, let victim = cache.keys.randomElement() {
                cache[victim] = nil
            }
            cache[key] = accepted
        }
        return accepted
    }

    private static func key(_ credentials: BasicCredentials) -> CacheKey {
        func hash(domain: UInt8) -> Int {
            var hasher = Hasher()
            hasher.combine(domain)
            hasher.combine(credentials.userBytes)
            hasher.combine(credentials.password)
            return hasher.finalize()
        }
        return CacheKey(first: hash(domain: 1), second: hash(domain: 2))
    }
}
