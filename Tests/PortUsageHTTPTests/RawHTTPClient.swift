#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a loopback TCP socket, so requests go on the wire exactly as
/// written (junk included).
enum RawHTTPClient {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `request` to 127.0.0.1:`port` and reads until the server closes or 5 s pass.
    static func exchange(port: Int, _ request: String) throws -> [UInt8] {
        let fd = try connectAndSend(port: port, request)
        defer { close(fd) }
        return readToEnd(fd)
    }

    /// Opens a connection and writes `request`, leaving the response unread; the caller closes `fd`.
    /// A `receiveBuffer` (bytes) is set before connecting, so the client's window stays that small.
    static func connectAndSend(port: Int, _ request: String, receiveBuffer: Int32? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        let bytes = Array(request.utf8)
        guard connected == 0, send(fd, bytes, bytes.count, 0) == bytes.count else {
            close(fd)
            throw Failure(description: "connect or send failed: \(errno)")
        }
        return fd
    }

    /// Reads until the peer closes or the receive timeout passes.
    static func readToEnd(_ fd: Int32) -> [UInt8] {
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            response.append(contentsOf: buffer[0..<count])
        }
        return response
    }

    /// Waits up to `milliseconds` for the server to close `fd`; true when it did (bytes sent before the
    /// close are read and dropped).
    static func closedByServer(_ fd: Int32, withinMilliseconds milliseconds: Int) -> Bool {
        var timeout = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    static func request(_ path: String, method: String = "GET", headers: [String: String] = [:]) -> String {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        return request + "\r\n"
    }

    /// A parsed response: status code, lower-cased headers and body bytes.
    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func get(port: Int, _ path: String, method: String = "GET", headers: [String: String] = [:]) throws
        -> Response
    {
        try parse(exchange(port: port, request(path, method: method, headers: headers)))
    }

    static func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = raw.indices.first(where: { raw[$0...].starts(with: separator) }) else {
            throw Failure(
                description: "no header end in \(String(decoding: raw, as: UTF8.self).debugDescription)")
        }
        let lines = String(decoding: raw[..<end], as: UTF8.self).split(separator: "\r\n")
        let statusParts = lines.first?.split(separator: " ") ?? []
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = String(
                line[line.index(after: colon)...].drop(while: { $0 == " " }))
        }
        let body = Array(raw[(end + 4)...])
        guard headers["transfer-encoding"] == "chunked" else {
            return Response(status: status, headers: headers, body: body)
        }
        return Response(status: status, headers: headers, body: try dechunk(body))
    }

    /// The data of a chunked body; throws unless it ends with the last (empty) chunk.
    static func dechunk(_ chunked: [UInt8]) throws -> [UInt8] {
        var data: [UInt8] = []
        var position = 0
        while let lineEnd = chunked[position...].firstIndex(of: 13) {
            let sizeText = String(decoding: chunked[position..<lineEnd], as: UTF8.self)
            guard let size = Int(sizeText, radix: 16), lineEnd + 2 + size <= chunked.count else {
                throw Failure(description: "bad chunk size \(sizeText.debugDescription)")
            }
            if size == 0 { return data }
            data += chunked[(lineEnd + 2)..<(lineEnd + 2 + size)]
            position = lineEnd + 2 + size + 2
            guard position <= chunked.count else { break }
        }
        throw Failure(description: "chunked body without its last chunk")
    }
}
