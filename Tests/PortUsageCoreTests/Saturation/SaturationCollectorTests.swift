import Logging
import PortUsageCore
import Testing

/// The `saturation` collector through a whole collection: sums per key, the port cap, sources that give
/// less, and counters that survive a closed socket and a failed read.
@Suite("saturation collector")
struct SaturationCollectorTests {
    static func tcp(_ port: UInt16, inode: UInt64, queue: UInt32, limit: UInt32?, drops: UInt32?)
        -> SocketRecord
    {
        SocketRecord(
            transport: .tcp, state: .listen, localAddress: IPAddress(ipv4: 0x7F00_0001), localPort: port,
            remoteAddress: .unspecified(.ipv4), remotePort: 0, inode: inode, receiveQueue: queue,
            sendQueue: limit, drops: drops)
    }

    static func udp(_ port: UInt16, inode: UInt64, drops: UInt32?) -> SocketRecord {
        SocketRecord(
            transport: .udp, state: .close, localAddress: .unspecified(.ipv4), localPort: port,
            remoteAddress: .unspecified(.ipv4), remotePort: 0, inode: inode, receiveQueue: 768, drops: drops)
    }

    private func collector(_ source: ScriptedSource, maxPorts: Int = 2000) -> PortUsageCollector {
        PortUsageCollector(
            source: source, classifier: PortClassifier(registry: .embedded),
            options: CollectorOptions(enabled: [.saturation], maxPortsPerProtocol: maxPorts),
            buildInfo: BuildInfo(version: "1", revision: "r", swiftVersion: "6"),
            logger: Logger(label: "test"))
    }

    private func samples(_ scrape: Scrape, _ name: String) -> [String: Double] {
        var result: [String: Double] = [:]
        for sample in scrape.families.first(where: { $0.name == name })?.samples ?? [] {
            result[sample.labels.map(\.value).joined(separator: ",")] = sample.value
        }
        return result
    }

    @Test func queuesLimitsAndDropsAreSummedPerKey() {
        let source = ScriptedSource(
            sockets: [
                Self.tcp(8080, inode: 1, queue: 3, limit: 128, drops: 2),
                Self.tcp(8080, inode: 2, queue: 4, limit: 128, drops: 5),
                Self.udp(5353, inode: 3, drops: 40),
            ])
        let scrape = collector(source).collect()
        #expect(samples(scrape, "port_usage_listener_accept_queue") == ["tcp,ipv4,8080,loopback": 7])
        #expect(samples(scrape, "port_usage_listener_accept_queue_limit") == ["tcp,ipv4,8080,loopback": 256])
        #expect(
            samples(scrape, "port_usage_listener_drops_total") == [
                "tcp,ipv4,8080,loopback": 7, "udp,ipv4,5353,any": 40,
            ])
        #expect(scrape.families.first { $0.name == "port_usage_listener_drops_total" }?.type == .counter)
        #expect(scrape.saturation.map(\.isQueueFull) == [false, false])
    }

    @Test func aClosedSocketsDropsStayAndAFailedReadForgetsNothing() {
        let source = ScriptedSource(
            sockets: [
                Self.tcp(8080, inode: 1, queue: 2, limit: 2, drops: 10),
                Self.tcp(8080, inode: 2, queue: 3, limit: 2, drops: 20),
            ])
        let exporter = collector(source)
        let first = exporter.collect()
        #expect(samples(first, "port_usage_listener_drops_total") == ["tcp,ipv4,8080,loopback": 30])
        #expect(first.saturation.first?.isQueueFull == true)
        #expect(first.saturation.first?.newDrops == 0)
        source.errors.withLock { $0 = [.tcp: .netlink(table: .tcp, operation: "dump", errno: 105)] }
        let failed = exporter.collect()
        #expect(samples(failed, "port_usage_scrape_collector_success") == ["saturation": 0])
        #expect(samples(failed, "port_usage_listener_drops_total") == [:])
        source.errors.withLock { $0 = [:] }
        source.sockets.withLock { $0 = [Self.tcp(8080, inode: 1, queue: 0, limit: 1, drops: 12)] }
        let closed = exporter.collect()
        #expect(samples(closed, "port_usage_listener_drops_total") == ["tcp,ipv4,8080,loopback": 32])
        #expect(closed.saturation.first?.newDrops == 2)
        #expect(closed.saturation.first?.isQueueFull == false)
    }

    @Test func portsPastTheCapShareOtherForQueuesAndHaveNoDrops() {
        let source = ScriptedSource(
            sockets: [
                Self.tcp(1000, inode: 1, queue: 1, limit: 10, drops: 1),
                Self.tcp(2000, inode: 2, queue: 2, limit: 20, drops: 2),
                Self.tcp(3000, inode: 3, queue: 3, limit: 30, drops: 3),
            ])
        let scrape = collector(source, maxPorts: 1).collect()
        #expect(
            samples(scrape, "port_usage_listener_accept_queue") == [
                "tcp,ipv4,1000,loopback": 1, "tcp,ipv4,other,loopback": 5,
            ])
        #expect(
            samples(scrape, "port_usage_listener_accept_queue_limit") == [
                "tcp,ipv4,1000,loopback": 10, "tcp,ipv4,other,loopback": 50,
            ])
        #expect(samples(scrape, "port_usage_listener_drops_total") == ["tcp,ipv4,1000,loopback": 1])
    }

    /// procfs: a TCP listener's queue without its limit or drops, a UDP socket's drops.
    @Test func aSourceThatSaysLessGivesFewerSeries() {
        let source = ScriptedSource(
            sockets: [
                Self.tcp(8080, inode: 1, queue: 4, limit: nil, drops: nil), Self.udp(53, inode: 2, drops: 9),
            ])
        let scrape = collector(source).collect()
        #expect(samples(scrape, "port_usage_listener_accept_queue") == ["tcp,ipv4,8080,loopback": 4])
        #expect(samples(scrape, "port_usage_listener_accept_queue_limit") == [:])
        #expect(samples(scrape, "port_usage_listener_drops_total") == ["udp,ipv4,53,any": 9])
    }
}
