import PortUsageTestSupport
import Testing

@testable import PortUsageCore

#if canImport(Glibc)
    import Glibc
#endif

/// Cgroup ids to units, from a cgroup tree made for the test (a cgroup id is its directory's inode).
@Suite("cgroup units")
struct CgroupUnitsTests {
    static func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    @Test(arguments: [
        ("system.slice/ssh.service", "ssh.service"),
        ("user.slice/user-1000.slice/session-3.scope", "session-3.scope"),
        ("system.slice/docker-ab12.scope/init", "docker-ab12.scope"), ("machine.slice/other", "other"),
        ("", ""),
    ])
    func theInnermostServiceOrScopeNamesTheUnit(path: String, unit: String) {
        #expect(CgroupUnits.unit(ofPath: path) == unit)
    }

    @Test func anIdIsMappedToItsDirectorysUnitAndAnUnknownIdToNothing() {
        let root = Fixtures.temporaryDirectory()
        mkdir(root + "/system.slice", 0o755)
        mkdir(root + "/system.slice/ssh.service", 0o755)
        Fixtures.write([], to: root + "/cgroup.controllers")
        let units = CgroupUnits(root: root)
        #expect(units.root == root)
        #expect(units.unit(of: Self.inode(root + "/system.slice/ssh.service")) == "ssh.service")
        #expect(units.unit(of: Self.inode(root + "/system.slice")) == "system.slice")
        #expect(units.unit(of: Self.inode(root)) == "")
        #expect(units.unit(of: 1) == "")
    }

    @Test func aNewCgroupIsFoundByTheNextWalkNoSoonerThanTheInterval() {
        let root = Fixtures.temporaryDirectory()
        Fixtures.write([], to: root + "/cgroup.controllers")
        let patient = CgroupUnits(root: root, rewalkInterval: .seconds(3600))
        let eager = CgroupUnits(root: root, rewalkInterval: .zero)
        #expect(patient.unit(of: 1) == "" && eager.unit(of: 1) == "")
        mkdir(root + "/late.service", 0o755)
        let id = Self.inode(root + "/late.service")
        #expect(patient.unit(of: id) == "")
        #expect(eager.unit(of: id) == "late.service")
    }

    @Test func aHybridHostIsWalkedUnderUnified() {
        let root = Fixtures.temporaryDirectory()
        mkdir(root + "/unified", 0o755)
        Fixtures.write([], to: root + "/unified/cgroup.controllers")
        #expect(CgroupUnits(root: root).root == root + "/unified")
    }
}
