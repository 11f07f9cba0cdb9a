import PortUsageCore
import Testing

@Suite("sock_diag local-port bytecode filter")
struct LocalPortFilterTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    /// Checks the filter of `ports`: the kernel's audit passes, every port of the set is accepted, the
    /// program accepts exactly what ``LocalPortFilter/accepts(_:)`` says on `probes`, and the bound holds.
    private func check(_ ports: [UInt16], probes: [UInt16], maximumRanges: Int = 32) {
        let set = PortSet(ports)
        guard let filter = LocalPortFilter(ports: set, maximumRanges: maximumRanges) else {
            Issue.record("no filter for \(ports.count) ports")
            return
        }
        let program = filter.bytecode
        #expect(InetDiagBytecodeMachine.audit(program), "the kernel would reject the program")
        #expect(filter.ranges.count <= maximumRanges)
        #expect(program.count == 20 * filter.ranges.count - 4)
        for (left, right) in zip(filter.ranges, filter.ranges.dropFirst()) {
            #expect(UInt32(left.upperBound) + 1 < UInt32(right.lowerBound), "ranges sorted and apart")
        }
        for port in ports {
            let (accepted, steps) = InetDiagBytecodeMachine.run(program, localPort: port)
            #expect(accepted, "port \(port) of the set rejected")
            #expect(steps <= 3 * filter.ranges.count)
        }
        for port in probes {
            let (accepted, steps) = InetDiagBytecodeMachine.run(program, localPort: port)
            #expect(accepted == filter.accepts(port), "port \(port)")
            #expect(steps <= 3 * filter.ranges.count)
        }
        let exact = set.ports.count == filter.ranges.reduce(0) { $0 + $1.count }
        if exact {
            for port in probes { #expect(filter.accepts(port) == set.contains(port)) }
        }
    }

    /// Ports around every range boundary, plus random ones.
    private func probes(_ ports: [UInt16], using generator: inout Generator) -> [UInt16] {
        var probes: [UInt16] = [0, 1, 65534, 65535]
        for port in ports {
            if port > 0 { probes.append(port - 1) }
            if port < 65535 { probes.append(port + 1) }
        }
        for _ in 0..<500 { probes.append(UInt16.random(in: 0...65535, using: &generator)) }
        return probes
    }

    @Test func onePortIsTheCapturedProgram() throws {
        let filter = try #require(LocalPortFilter(ports: PortSet([17101])))
        let request = try NetlinkFixtures.bytes("tcp4-connections-17101.request.bin")
        #expect(filter.ranges == [17101...17101])
        #expect(filter.bytecode == Array(request[76...]))
    }

    @Test func consecutivePortsBecomeOneRange() throws {
        let filter = try #require(LocalPortFilter(ports: PortSet([80, 81, 82, 443, 8080, 8081, 0, 65535])))
        #expect(filter.ranges == [0...0, 80...82, 443...443, 8080...8081, 65535...65535])
        check(
            [80, 81, 82, 443, 8080, 8081, 0, 65535], probes: Array(0...1000) + Array(8000...8100) + [65535])
    }

    @Test func noFilterForAnEmptySetOrNearlyEveryPort() {
        #expect(LocalPortFilter(ports: PortSet()) == nil)
        #expect(LocalPortFilter(ports: PortSet(0...65535)) == nil)
        // 1,000 ports spread over the whole space merge into ranges that cover nearly all of it.
        #expect(LocalPortFilter(ports: PortSet(stride(from: 1, to: 65535, by: 65))) == nil)
        #expect(LocalPortFilter(ports: PortSet(0...60000)) != nil)
    }

    @Test func mergesTheSmallestGapsFirst() throws {
        // Gaps: 8 (10 -> 19), 1 (20 -> 22), 77 (22 -> 100), 2 (100 -> 103).
        let filter = try #require(LocalPortFilter(ports: PortSet([10, 20, 22, 100, 103]), maximumRanges: 3))
        #expect(filter.ranges == [10...10, 20...22, 100...103])
        let two = try #require(LocalPortFilter(ports: PortSet([10, 20, 22, 100, 103]), maximumRanges: 2))
        #expect(two.ranges == [10...22, 100...103])
        let one = try #require(LocalPortFilter(ports: PortSet([10, 20, 22, 100, 103]), maximumRanges: 1))
        #expect(one.ranges == [10...103])
        check([10, 20, 22, 100, 103], probes: Array(0...200), maximumRanges: 1)
    }

    @Test func everyPortAcceptedOverTheWholeSpace() throws {
        var generator = Generator(state: 7)
        let ports = (0..<200).map { _ in UInt16.random(in: 0...65535, using: &generator) }
        check(ports, probes: Array(0...65535))
    }

    @Test(arguments: 1...60)
    func randomSetsAreFilteredAsSupersets(seed: UInt64) {
        var generator = Generator(state: seed)
        var ports: [UInt16] = []
        switch seed % 4 {
        case 0:  // a few random ports
            ports = (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                UInt16.random(in: 0...65535, using: &generator)
            }
        case 1:  // many random ports: merged
            ports = (0..<Int.random(in: 40...400, using: &generator)).map { _ in
                UInt16.random(in: 0...65535, using: &generator)
            }
        case 2:  // clusters of consecutive ports
            for _ in 0..<Int.random(in: 1...50, using: &generator) {
                let start = UInt16.random(in: 0...65000, using: &generator)
                ports += (0..<UInt16.random(in: 1...30, using: &generator)).map { start + $0 }
            }
        default:  // ports close together (a policy's services)
            let base = UInt16.random(in: 1024...60000, using: &generator)
            ports = (0..<Int.random(in: 1...100, using: &generator)).map { _ in
                base + UInt16.random(in: 0...3000, using: &generator)
            }
        }
        let maximum = seed % 3 == 0 ? 32 : Int.random(in: 1...40, using: &generator)
        let set = PortSet(ports)
        if let filter = LocalPortFilter(ports: set, maximumRanges: maximum) {
            check(ports, probes: probes(ports, using: &generator), maximumRanges: maximum)
            #expect(filter.ranges.reduce(0) { $0 + $1.count } <= LocalPortFilter.maximumCoveredPorts)
        } else {
            // Only a set merged into ranges that cover nearly everything goes unfiltered.
            #expect(!set.isEmpty)
            #expect(set.ports.count > maximum)
        }
    }
}
