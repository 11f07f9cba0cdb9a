/// The collectors a `/metrics` request asks for with `collect[]=NAME` or `exclude[]=NAME`, as
/// node_exporter reads them (Prometheus scrape configs set them as `params`).
enum CollectorFilter {
    /// What a request's collector parameters select.
    enum Selection: Equatable {
        /// No parameter: every collector that runs.
        case all
        /// These collectors only.
        case only(Set<String>)
    }

    /// Why a request's collector parameters were refused: the text of the 400 response.
    struct Refusal: Error, Equatable {
        let message: String
    }

    /// The collectors `target` selects among `enabled`, the collectors that run. Giving both parameters,
    /// or a name that is no collector or one that does not run, is refused with the list of collectors
    /// that run.
    static func selection(for target: RequestTarget, enabled: [String], known: [String]) throws(Refusal)
        -> Selection
    {
        let collect = target.values(of: "collect[]")
        let exclude = target.values(of: "exclude[]")
        if collect.isEmpty && exclude.isEmpty { return .all }
        let running = "collectors that run: " + enabled.joined(separator: ", ")
        guard collect.isEmpty || exclude.isEmpty else {
            throw Refusal(message: "Combined collect and exclude queries are not allowed; \(running).")
        }
        for name in collect + exclude where !enabled.contains(name) {
            let problem = known.contains(name) ? "disabled collector" : "unknown collector"
            throw Refusal(message: "\(problem) '\(String(name.prefix(64)))'; \(running).")
        }
        return .only(collect.isEmpty ? Set(enabled).subtracting(exclude) : Set(collect))
    }
}
