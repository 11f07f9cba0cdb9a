// libFuzzer target for the HTTP request path: each input is sent as raw bytes over loopback to a real
// server (the whole NIO pipeline: connection guard, HTTP decoder, compressor, handler), the write side is
// closed, and the answer is read. Whatever the bytes, the answer is empty or starts with a status line,
// the server never crashes or hangs, and it keeps answering a well-formed request. Run with scripts/fuzz.sh.
import Dispatch
import Logging
import PortUsageCore
import PortUsageHTTP
import PortUsageTestSupport
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The server every input is sent to, started on first use.
let serverPort: Int = {
    let logger = Logger(label: "fuzz")
    let buildInfo = BuildInfo(version: "fuzz", revision: "fuzz", swiftVersion: "6")
    let collector = PortUsageCollector(
        source: FixedListenerSource(), classifier: PortClassifier(registry: .embedded),
        options: CollectorOptions(tables: [.tcp]), buildInfo: buildInfo, logger: logger)
    let server = MetricsServer(
        configuration: .init(
            listenAddresses: [ListenAddress(host: "127.0.0.1", port: 0)], telemetryPath: "/metrics",
            reload: {}, limits: ServerLimits(headerTimeout: .milliseconds(500), maxHeadBytes: 4096)),
        collector: collector, buildInfo: buildInfo, logger: logger)
    let port = Locked(0)
    let started = DispatchSemaphore(value: 0)
    Task {
        let addresses = try await server.start()
        port.withLock { $0 = addresses[0].port! }
        started.signal()
    }
    started.wait()
    return port.withLock { $0 }
}()

/// Sends `bytes` on a new connection, closes the write side, and returns everything the server answers.
func exchange(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 3, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(serverPort).bigEndian)
    address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    precondition(connected == 0, "connect failed: \(errno)")
    var offset = 0
    while offset < bytes.count {
        let sent = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
        if sent <= 0 { break }  // the server closed early (431, a malformed request)
        offset += sent
    }
    shutdown(fd, Int32(SHUT_WR))
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(fd, &buffer, buffer.count, 0)
        if count < 0 && errno == EAGAIN {
            preconditionFailure("the server neither answered nor closed in 3 s")
        }
        if count <= 0 { break }
        answer.append(contentsOf: buffer[0..<count])
    }
    return answer
}

let inputs = Atomic<Int>(0)
let probe = Array("GET /-/healthy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPRequest(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let answer = exchange(UnsafeRawBufferPointer(start: data, count: size))
    precondition(answer.isEmpty || answer.starts(with: Array("HTTP/1.".utf8)), "answer without a status line")
    if inputs.wrappingAdd(1, ordering: .relaxed).newValue % 500 == 0 {
        let health = probe.withUnsafeBytes(exchange)
        precondition(health.starts(with: Array("HTTP/1.1 200 OK\r\n".utf8)), "the server stopped answering")
    }
    return 0
}
