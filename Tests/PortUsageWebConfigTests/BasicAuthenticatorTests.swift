import PortUsageCore
import PortUsageWebConfig
import Testing

@Suite struct BasicAuthenticatorTests {
    /// Password "right-Pa55", cost 4.
    static let aliceHash = "$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi"

    /// A verifier that runs bcrypt and records the hashes it was asked about.
    final class CountingVerifier: Sendable {
        let hashes = Locked<[String]>([])

        var calls: Int { hashes.withLock(\.count) }

        func verify(password: [UInt8], hash: String) -> Bool {
            hashes.withLock { $0.append(hash) }
            return BCrypt.verify(password: password, hash: hash)
        }
    }

    private func header(_ credentials: String) -> String {
        "Basic " + base64(Array(credentials.utf8))
    }

    private func makeAuthenticator() -> (BasicAuthenticator, CountingVerifier) {
        let counter = CountingVerifier()
        return (BasicAuthenticator(users: ["alice": Self.aliceHash], verifier: counter.verify), counter)
    }

    @Test func rightPasswordIsAcceptedAndCached() {
        let (authenticator, counter) = makeAuthenticator()
        let authorization = header("alice:right-Pa55")
        #expect(authenticator.cachedDecision(authorization: authorization) == nil)
        #expect(authenticator.verify(authorization: authorization))
        #expect(authenticator.cachedDecision(authorization: authorization) == true)
        #expect(authenticator.verify(authorization: authorization))
        #expect(counter.calls == 1)
    }

    @Test func wrongPasswordIsRefusedAndCached() {
        let (authenticator, counter) = makeAuthenticator()
        let authorization = header("alice:right-Pa56")
        #expect(!authenticator.verify(authorization: authorization))
        #expect(authenticator.cachedDecision(authorization: authorization) == false)
        #expect(!authenticator.verify(authorization: authorization))
        #expect(counter.hashes.withLock { $0 } == [Self.aliceHash])
    }

    @Test func unknownUserIsVerifiedAgainstADummyHashOfTheUsersCostAndRefused() {
        let (authenticator, counter) = makeAuthenticator()
        #expect(!authenticator.verify(authorization: header("mallory:right-Pa55")))
        #expect(
            counter.hashes.withLock { $0 } == ["$2y$04$gjjZ7CC3lEV1ynZNCKnPbekrMyH/5TqhetVS1Vwrs3zT1CGeRnWSm"]
        )
    }

    @Test func dummyHashTakesTheHighestCostOfTheUsers() {
        let counter = CountingVerifier()
        let users = ["alice": Self.aliceHash, "carol": "$2b$12$" + Self.aliceHash.dropFirst(7)]
        let authenticator = BasicAuthenticator(users: users) { _, hash in
            counter.hashes.withLock { $0.append(hash) }
            return true
        }
        #expect(!authenticator.verify(authorization: header("mallory:x")))
        #expect(
            counter.hashes.withLock { $0 } == ["$2y$12$gjjZ7CC3lEV1ynZNCKnPbekrMyH/5TqhetVS1Vwrs3zT1CGeRnWSm"]
        )
    }

    @Test(arguments: [
        nil, "", "Basic", "Basic ", "Bearer YWxpY2U6cmlnaHQtUGE1NQ==", "Basic YWxpY2U6cmlnaHQtUGE1NQ",
        "Basic YWxpY2U6cmlnaHQtUGE1NQ=!", "Basic YWxpY2U=", "Basic YW=xpY2U6cmlnaHQtUGE1NQ==",
    ])
    func malformedHeadersAreRefusedWithoutBcrypt(authorization: String?) {
        let (authenticator, counter) = makeAuthenticator()
        #expect(authenticator.cachedDecision(authorization: authorization) == false)
        #expect(!authenticator.verify(authorization: authorization))
        #expect(counter.calls == 0)
    }

    @Test func schemeIsCaseInsensitiveAndPasswordMayHoldColons() {
        let hash = "$2y$04$3Ek3mZM.jbBIXvpPshJPbOai3TVK7BJvpYhu38hOPiWlsD3nJAYvi"  // "b0b:with colon"
        let authenticator = BasicAuthenticator(users: ["bob": hash])
        #expect(authenticator.verify(authorization: "bAsIc " + base64(Array("bob:b0b:with colon".utf8))))
        #expect(!authenticator.verify(authorization: "Basic " + base64(Array("bob:b0b".utf8))))
    }

    @Test func concurrentChecksAgreeAndFillTheCache() async {
        let authenticator = BasicAuthenticator(users: ["alice": Self.aliceHash]) { password, _ in
            password == Array("right-Pa55".utf8)
        }
        let headers = (0..<10).map { header("alice:" + ($0 == 0 ? "right-Pa55" : "guess-\($0)")) }
        let accepted = await withTaskGroup(of: [Bool].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    headers.map {
                        authenticator.cachedDecision(authorization: $0)
                            ?? authenticator.verify(authorization: $0)
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(accepted == Array(repeating: [true] + Array(repeating: false, count: 9), count: 8))
        #expect(
            headers.map { authenticator.cachedDecision(authorization: $0) } == [true]
                + Array(repeating: false, count: 9))
    }

    @Test func cacheHoldsAtMostItsCapacity() {
        let calls = Locked(0)
        let authenticator = BasicAuthenticator(users: ["alice": Self.aliceHash]) { _, _ in
            calls.withLock { $0 += 1 }
            return false
        }
        let headers = (0...BasicAuthenticator.cacheCapacity).map { header("alice:guess-\($0)") }
        for authorization in headers { #expect(!authenticator.verify(authorization: authorization)) }
        let cached = headers.filter { authenticator.cachedDecision(authorization: $0) != nil }
        #expect(cached.count == BasicAuthenticator.cacheCapacity)
        #expect(calls.withLock { $0 } == BasicAuthenticator.cacheCapacity + 1)
    }
}

/// Standard base 64 with padding, written independently of the code under test.
func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var text = ""
    for start in stride(from: 0, to: bytes.count, by: 3) {
        let chunk = Array(bytes[start..<min(start + 3, bytes.count)])
        let bits = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * $1.offset) }
        for index in 0..<4 {
            text.append(index <= chunk.count ? alphabet[Int(bits >> (18 - 6 * index) & 0x3F)] : "=")
        }
    }
    return text
}
