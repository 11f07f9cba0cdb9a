import NIOHTTP1

/// The server's routes, by path: which answers a request, or why none does.
struct RouteTable: Sendable {
    /// What the table says about a request's path and method.
    enum Resolution {
        /// This route answers it.
        case route(Route)
        /// Not for this method: answered 405 with the methods the path takes.
        case methodNotAllowed(allowed: [HTTPMethod])
        /// No route has this path.
        case notFound
    }

    private let routes: [String: Route]
    /// The methods a path without a route is answered 404 for; any other method is answered 405 first.
    private let otherPaths: [HTTPMethod]

    /// A table of `routes`; of two with the same path (a telemetry path configured as `/`), the first.
    init(_ routes: [Route], otherPaths: [HTTPMethod]) {
        self.routes = Dictionary(routes.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        self.otherPaths = otherPaths
    }

    func resolve(path: String, method: HTTPMethod) -> Resolution {
        let allowed = routes[path]?.methods ?? otherPaths
        guard allowed.contains(method) else { return .methodNotAllowed(allowed: allowed) }
        return routes[path].map { .route($0) } ?? .notFound
    }
}
