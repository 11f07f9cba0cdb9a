/// One HTTP request: a push to a Pushgateway, a query to Prometheus.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [String]
    public var body: [UInt8]
    public var responseLimit: ResponseLimit

    /// How much of a response body is kept.
    public enum ResponseLimit: Sendable, Equatable {
        /// The first ``CurlHTTPClient/maxBodyBytes``, enough for an error message; the rest is read and
        /// dropped.
        case excerpt
        /// The whole body, up to `bytes`; a longer one stops the transfer with an error.
        case whole(bytes: Int)
    }

    public init(
        method: String, url: String, headers: [String] = [], body: [UInt8] = [],
        responseLimit: ResponseLimit = .excerpt
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.responseLimit = responseLimit
    }
}

/// The answer to an ``HTTPRequest``: its status and the first bytes of its body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    /// The body, as much as the request's ``HTTPRequest/ResponseLimit`` keeps.
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// The first `limit` bytes of the body on one line, for logs and error messages.
    public func bodyExcerpt(limit: Int = 200) -> String {
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        let oneLine = String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        if body.count > limit { return oneLine + "..." }
        return oneLine.droppingSuffix(while: \.isWhitespace)
    }
}

/// A request that got no HTTP answer: connection refused, timeout, TLS failure, bad URL.
public struct HTTPTransportError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
