import NIOHTTP1

/// Tells requests a browser sends on behalf of another site, which must not trigger state changes
/// (`POST /-/reload` from a page the operator happens to visit).
enum CrossSiteCheck {
    /// True when `Sec-Fetch-Site` says cross-site, or `Origin` names another host than `Host`.
    static func isCrossSite(_ headers: HTTPHeaders) -> Bool {
        if let site = headers.first(name: "Sec-Fetch-Site")?.lowercased(), site == "cross-site" {
            return true
        }
        guard let origin = headers.first(name: "Origin") else { return false }
        guard let host = headers.first(name: "Host"), origin != "null" else { return true }
        let authority = origin.split(separator: "://", maxSplits: 1).dropFirst().first.map(String.init)
        return authority?.lowercased() != host.lowercased()
    }
}
