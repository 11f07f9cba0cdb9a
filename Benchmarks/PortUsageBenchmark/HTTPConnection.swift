#if canImport(Glibc)
    import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to the exporter, reused for every scrape as Prometheus does: a new
/// connection per scrape would time the kernel's search for a free ephemeral port among the benchmark's
/// 10,000 client sockets rather than the exporter.
final class HTTPConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    /// What one `recv` fills, allocated once: a body comes in pieces, and a fresh zeroed 256 KiB array per
    /// piece timed the client more than the server.
    private var scratch = [UInt8](repeating: 0, count: 256 * 1024)

    init(port: Int) throws {
        fd = try LoopbackPopulation.connectLoopback(port: port)
    }

    deinit {
        close(fd)
    }

    /// Sends `GET path` and returns the response body (read to its `Content-Length`, or chunk by chunk).
    func get(_ path: String, headers: String = "") throws -> [UInt8] {
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n".utf8)
        guard send(fd, request, request.count, 0) == request.count else { throw failure("send") }
        let headerEnd = try lineEnd(from: 0, separator: [13, 10, 13, 10])
        let head = String(decoding: buffer[..<headerEnd], as: UTF8.self).lowercased()
        let fields = head.split(separator: "\r\n")
        var position = headerEnd + 4
        var body: [UInt8] = []
        if let lengthLine = fields.first(where: { $0.hasPrefix("content-length:") }),
            let length = Int(lengthLine.dropFirst("content-length:".count).drop(while: { $0 == " " }))
        {
            while buffer.count < position + length { try receive() }
            body = Array(buffer[position..<(position + length)])
            position += length
        } else if fields.contains("transfer-encoding: chunked") {
            while true {
                let sizeEnd = try lineEnd(from: position, separator: [13, 10])
                let sizeText = String(decoding: buffer[position..<sizeEnd], as: UTF8.self)
                guard let size = Int(sizeText.prefix { $0 != ";" }, radix: 16) else {
                    throw failure("bad chunk size \(sizeText)")
                }
                position = sizeEnd + 2
                if size == 0 {
                    position = try lineEnd(from: position - 2, separator: [13, 10, 13, 10]) + 4
                    break
                }
                while buffer.count < position + size + 2 { try receive() }
                body += buffer[position..<(position + size)]
                position += size + 2
            }
        } else {
            throw failure("response without a length: \(head.prefix(300))")
        }
        buffer.removeFirst(position)
        return body
    }

    /// The index of `separator` at or after `start`, reading more until it arrives.
    private func lineEnd(from start: Int, separator: [UInt8]) throws -> Int {
        var searched = start
        while true {
            if buffer.count >= separator.count {
                var index = searched
                while index + separator.count <= buffer.count {
                    if buffer[index] == separator[0]
                        && buffer[index..<(index + separator.count)].elementsEqual(separator)
                    {
                        return index
                    }
                    index += 1
                }
                searched = max(start, buffer.count - separator.count + 1)
            }
            try receive()
        }
    }

    private func receive() throws {
        let count = recv(fd, &scratch, scratch.count, 0)
        guard count > 0 else { throw failure("connection closed") }
        buffer += scratch[0..<count]
    }

    private func failure(_ what: String) -> LoopbackPopulation.Failure {
        LoopbackPopulation.Failure(description: "HTTP \(what): errno \(errno)")
    }
}
