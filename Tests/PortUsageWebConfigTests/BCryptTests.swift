import PortUsageWebConfig
import Testing

@Suite struct BCryptTests {
    @Test(arguments: ["$2y$", "$2b$", "$2a$"])
    func verifiesEveryBcryptVariant(prefix: String) {
        let hash = prefix + BasicAuthenticatorTests.aliceHash.dropFirst(4)
        #expect(BCrypt.verify(password: Array("right-Pa55".utf8), hash: hash))
        #expect(!BCrypt.verify(password: Array("right-Pa5".utf8), hash: hash))
        #expect(!BCrypt.verify(password: Array("right-Pa55\0".utf8), hash: hash))
    }

    @Test func garbageHashNeverVerifies() {
        #expect(!BCrypt.verify(password: [], hash: "*0"))
        #expect(!BCrypt.verify(password: Array("x".utf8), hash: "$2y$04$short"))
    }

    @Test(arguments: [
        ("$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", true),
        ("$2b$31$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", true),
        ("$2x$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("$2y$03$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAs", false),
        ("$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONA+i", false),
        ("$6$salt$hash", false),
        ("right-Pa55", false),
    ])
    func recognisesBcryptHashes(hash: String, isHash: Bool) {
        #expect(BCrypt.isHash(hash) == isHash)
    }

    /// Go's bcrypt.Cost, exporter-toolkit's only check: length, `$`, version bytes, cost; nothing else.
    @Test(arguments: [
        ("$2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", true),
        ("$2$31$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", true),
        ("$1x$+9" + String(repeating: "!", count: 53), true),
        ("$2y$04$" + String(repeating: "!", count: 52), true),
        ("$2y$04$" + String(repeating: "!", count: 51), false),
        ("$3y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("$2y$03$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("$2y$32$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("$2y$-4$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
        ("x2y$04$39Zk4e2PAb0nKkqt5E1.MuLotIfiz17YE14fHpv/mdDCfS/pONAsi", false),
    ])
    func acceptsWhatGoBcryptCostAccepts(hash: String, accepted: Bool) {
        #expect(BCrypt.goAccepts(hash) == accepted)
    }
}
