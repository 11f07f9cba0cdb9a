/// The path of a request target, in origin form (`/metrics?x`) or absolute form
/// (`http://host:port/metrics`, which proxies send and HTTP/1.1 servers must accept).
struct RequestTarget {
    let path: String

    init(_ uri: String) {
        var rest = Substring(uri)
        for scheme in ["http://", "https://"] where rest.lowercased().hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
            rest = rest.firstIndex(of: "/").map { rest[$0...] } ?? "/"
        }
        path = String(rest.prefix { $0 != "?" && $0 != "#" })
    }
}
