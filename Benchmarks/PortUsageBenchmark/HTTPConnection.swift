#if canImport(Glibc)
    import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to the exporter, reused for every scrape as Prometheus does: a new
/// connection per scrape would time the kernel's search for a free ephemeral port among the benchmark's
/// 10,000 client sockets rather than the exporter.
final class HTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = try LoopbackPopulation.connectLoopback(port: port)
    }

    deinit {
        close(fd)
    }

    /// Sends `GET path` and returns the response body (read to its `Content-Length`).
    func get(_ path: String, headers: String = "") throws -> [UInt8] {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw failure("send") }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            try receive()
            headerEnd = buffer.indices.first { buffer[$0...].starts(with: separator) }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self).lowercased()
        guard
            let lengthLine = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).drop(while: { $0 == " " }))
        else { throw failure("no content-length") }
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length { try receive() }
        let body = Array(buffer[bodyStart..<(bodyStart + length)])
        buffer.removeFirst(bodyStart + length)
        return body
    }

    private func receive() throws {
        var chunk = [UInt8](repeating: 0, count: 256 * 1024)
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { throw failure("connection closed") }
        buffer += chunk[0..<count]
    }

    private func failure(_ what: String) -> LoopbackPopulation.Failure {
        LoopbackPopulation.Failure(description: "HTTP \(what): errno \(errno)")
    }
}
