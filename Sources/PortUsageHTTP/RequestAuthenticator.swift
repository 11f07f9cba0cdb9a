import NIOCore
import NIOHTTP1
import PortUsageWebConfig

/// The first step of every request when users are configured: checks its basic-auth credentials, where
/// only a pair not seen recently runs bcrypt, on a worker of its own so that the event loop never waits
/// for it.
struct RequestAuthenticator: Sendable {
    let authenticator: BasicAuthenticator
    let worker: BlockingWorker

    /// The headers of the 401 answer: the scheme to authenticate with.
    static let challenge: HTTPHeaders = ["WWW-Authenticate": "Basic"]

    /// Calls `decide` on `loop` with whether `request` carries accepted credentials: at once when the
    /// pair was decided recently, else once bcrypt has run (an error counts as refused).
    func check(
        _ request: HTTPRequestHead, on loop: any EventLoop, decide: @escaping @Sendable (Bool) -> Void
    ) {
        let authorization = request.headers.first(name: "Authorization")
        if let accepted = authenticator.cachedDecision(authorization: authorization) {
            return decide(accepted)
        }
        worker.run(
            on: loop, { [authenticator] in authenticator.verify(authorization: authorization) },
            then: { result in decide((try? result.get()) ?? false) })
    }
}
