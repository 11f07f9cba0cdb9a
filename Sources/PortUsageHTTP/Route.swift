import NIOCore
import NIOHTTP1

/// One path the server answers, the methods it takes, and what answers it.
struct Route: Sendable {
    /// A request as a route's handler sees it.
    struct Request: Sendable {
        let head: HTTPRequestHead
        let target: RequestTarget
        /// The connection's event loop: where `respond` must be called.
        let eventLoop: any EventLoop
    }

    /// Sends the answer to a request; called once, on the request's event loop.
    typealias Respond = @Sendable (Response) -> Void

    /// Answers `request` through `respond`, at once or once blocking work has finished.
    typealias Handler = @Sendable (_ request: Request, _ respond: @escaping Respond) -> Void

    let path: String
    let methods: [HTTPMethod]
    let handle: Handler
}
