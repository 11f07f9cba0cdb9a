import CurlShim
import PortUsageCore

/// The exporter's HTTP client: libcurl's easy interface, one handle per request, blocking. libcurl is
/// loaded on the first request (see `Sources/CCurl/shim.h`), so an exporter that never pushes never maps it.
/// The Pushgateway sink and `policy generate --from-prometheus` share it.
///
/// Call it off the cooperative thread pool (`Pusher` calls it on a `BlockingLane`); every request is bounded by the
/// configured timeout, and its response body by the request's ``HTTPRequest/ResponseLimit``.
public struct CurlHTTPClient: Sendable {
    /// How a client authenticates and verifies its peer.
    public struct Settings: Sendable {
        /// The longest one request may take, connection included.
        public var timeout: Duration
        public var basicAuth: BasicAuth?
        /// PEM file of the certificate authorities that verify the server; the system's when nil.
        public var caFile: String?
        /// PEM client certificate and key, for gateways that require mutual TLS.
        public var certFile: String?
        public var keyFile: String?

        public init(
            timeout: Duration, basicAuth: BasicAuth? = nil, caFile: String? = nil, certFile: String? = nil,
            keyFile: String? = nil
        ) {
            self.timeout = timeout
            self.basicAuth = basicAuth
            self.caFile = caFile
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// HTTP basic authentication credentials.
    public struct BasicAuth: Sendable {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }
    }

    /// The most response-body bytes kept: enough for an error message, never a large download.
    public static let maxBodyBytes = 4096

    /// Loads libcurl (once per process); nil when it is available, else a one-line reason naming it.
    public static func loadLibrary() -> String? {
        ccurl_load().map {
            "libcurl (libcurl.so.4, Debian package libcurl4) could not be loaded: \(String(cString: $0))"
        }
    }

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// Sends `request` and waits for the answer. Throws ``HTTPTransportError`` when there is none.
    public func send(_ request: HTTPRequest) throws(HTTPTransportError) -> HTTPResponse {
        if let problem = Self.loadLibrary() { throw HTTPTransportError(problem) }
        guard let handle = ccurl_easy_init() else { throw HTTPTransportError("curl_easy_init failed") }
        defer { ccurl_easy_cleanup(handle) }
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for header in request.headers + ["Expect:"] { headers = ccurl_slist_append(headers, header) }
        defer { ccurl_slist_free_all(headers) }
        let received = ResponseBody(limit: request.responseLimit)
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
        defer { errorBuffer.deallocate() }
        errorBuffer.initialize(to: 0)

        var code = configure(handle, for: request, headers: headers)
        if code == CURLE_OK { code = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) }
        if code == CURLE_OK { code = ccurl_setopt_write_function(handle, ResponseBody.append) }
        if code == CURLE_OK {
            code = ccurl_setopt_pointer(
                handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(received).toOpaque())
        }
        if code == CURLE_OK {
            code = withExtendedLifetime(received) {
                request.body.withUnsafeBytes { body in
                    var code = ccurl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                    if code == CURLE_OK, !body.isEmpty {
                        code = ccurl_setopt_pointer(
                            handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress))
                    }
                    return code == CURLE_OK ? ccurl_easy_perform(handle) : code
                }
            }
        }
        if received.overflowed {
            throw HTTPTransportError("the response is larger than \(received.limit) bytes")
        }
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer)
            throw HTTPTransportError(detail.isEmpty ? String(cString: ccurl_easy_strerror(code)) : detail)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, body: received.bytes)
    }

    /// Sets everything but the body and the response sink; stops at the first option libcurl refuses.
    private func configure(
        _ handle: UnsafeMutableRawPointer, for request: HTTPRequest,
        headers: UnsafeMutablePointer<curl_slist>?
    ) -> CURLcode {
        let timeoutMilliseconds = Int(settings.timeout.saturatingMilliseconds)
        var steps: [() -> CURLcode] = [
            { ccurl_setopt_string(handle, CURLOPT_URL, request.url) },
            { ccurl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") },
            { ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method) },
            { ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1) },
            { ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds) },
            { ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds) },
            { ccurl_setopt_list(handle, CURLOPT_HTTPHEADER, headers) },
            { ccurl_setopt_string(handle, CURLOPT_USERAGENT, "port_usage_exporter") },
        ]
        if let auth = settings.basicAuth {
            steps += [
                { ccurl_setopt_long(handle, CURLOPT_HTTPAUTH, CCURL_AUTH_BASIC) },
                { ccurl_setopt_string(handle, CURLOPT_USERNAME, auth.username) },
                { ccurl_setopt_string(handle, CURLOPT_PASSWORD, auth.password) },
            ]
        }
        if let caFile = settings.caFile {
            steps.append { ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        }
        if let certFile = settings.certFile {
            steps.append { ccurl_setopt_string(handle, CURLOPT_SSLCERT, certFile) }
        }
        if let keyFile = settings.keyFile {
            steps.append { ccurl_setopt_string(handle, CURLOPT_SSLKEY, keyFile) }
        }
        for step in steps {
            let code = step()
            if code != CURLE_OK { return code }
        }
        return CURLE_OK
    }
}

/// Collects a response body from libcurl's write callback, as much as its limit keeps.
private final class ResponseBody {
    var bytes: [UInt8] = []
    /// The most bytes kept.
    let limit: Int
    /// Whether a body that must be whole went past the limit (the transfer was stopped).
    private(set) var overflowed = false
    private let mustFit: Bool

    init(limit: HTTPRequest.ResponseLimit) {
        switch limit {
        case .excerpt: (self.limit, mustFit) = (CurlHTTPClient.maxBodyBytes, false)
        case .whole(let bytes): (self.limit, mustFit) = (bytes, true)
        }
    }

    static let append: curl_write_callback = { data, size, count, context in
        let length = size * count
        guard let data, let context else { return length }
        let sink = Unmanaged<ResponseBody>.fromOpaque(context).takeUnretainedValue()
        let room = max(0, sink.limit - sink.bytes.count)
        if sink.mustFit, length > room {
            sink.overflowed = true
            return 0  // anything but `length` makes libcurl stop the transfer with CURLE_WRITE_ERROR
        }
        sink.bytes.append(
            contentsOf: UnsafeRawBufferPointer(start: data, count: min(length, room)))
        return length
    }
}
