import NIOCore
import NIOHTTP1
import PortUsageCore
import PortUsageWebConfig

/// A response before it is written.
struct Response: Sendable {
    /// What a response carries.
    enum Body: Sendable {
        /// Bytes written at once.
        case bytes(ByteBuffer)
        /// A metrics exposition, written a piece at a time as the client reads (chunked).
        case exposition(ExpositionStream)

        var isExposition: Bool {
            if case .exposition = self { return true }
            return false
        }
    }

    /// A header that tells the compressor in front of the handler to leave a response alone; the
    /// compressor removes it.
    static let skipCompressionHeader = "x-port-usage-identity"

    var status: HTTPResponseStatus
    var contentType: String
    var body: Body
    var headers = HTTPHeaders()

    static func plain(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = HTTPHeaders())
        -> Response
    {
        Response(
            status: status, contentType: "text/plain; charset=utf-8", body: .bytes(ByteBuffer(string: text)),
            headers: headers
        )
    }

    /// The head answering `request`, with `configured` headers added, and whether the connection stays
    /// open after the body. A `HEAD` request is told the body's length; a streamed body has no length, so
    /// to an HTTP/1.0 client it ends with the connection. Bodies too small to gain from compression, and
    /// answers to `HEAD`, are marked to stay uncompressed.
    func head(answering request: HTTPRequestHead, adding configured: [ResponseHeader])
        -> (head: HTTPResponseHead, keepAlive: Bool)
    {
        let isHead = request.method == .HEAD
        let streamed = !isHead && body.isExposition
        let keepAlive =
            request.isKeepAlive && !(streamed && (request.version.major, request.version.minor) < (1, 1))
        var headers = self.headers
        for header in configured { headers.replaceOrAdd(name: header.name, value: header.value) }
        headers.replaceOrAdd(name: "Content-Type", value: contentType)
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
        switch body {
        case .bytes(let bytes):
            headers.replaceOrAdd(name: "Content-Length", value: String(bytes.readableBytes))
            if isHead || bytes.readableBytes < 1024 {
                headers.add(name: Self.skipCompressionHeader, value: "1")
            }
        case .exposition(let exposition):
            if isHead {
                headers.replaceOrAdd(name: "Content-Length", value: String(exposition.encodedSize()))
                headers.add(name: Self.skipCompressionHeader, value: "1")
            }
        }
        return (HTTPResponseHead(version: request.version, status: status, headers: headers), keepAlive)
    }
}
