import NIOCore
import NIOHTTP1

/// The routes a supervisor uses: health, readiness and the reload of the configuration.
struct LifecycleEndpoints: Sendable {
    let health: HealthCheck
    /// `POST /-/reload`; nil when the lifecycle API is off.
    let reloadAction: MetricsServer.ReloadAction?
    /// Where reloads run: never on the collection worker, so a stuck reload never stalls a scrape.
    let reloadWorker: BlockingWorker

    /// 200 unless a collection or a reload is stuck (503 with the reason).
    func healthy(_ request: Route.Request, respond: @escaping Route.Respond) {
        if let problem = health.problem() {
            respond(.plain(.serviceUnavailable, "Unhealthy: \(problem)\n"))
        } else {
            respond(.plain(.ok, "Healthy\n"))
        }
    }

    /// Always 200: the server answers once it listens.
    func ready(_ request: Route.Request, respond: @escaping Route.Respond) {
        respond(.plain(.ok, "Ready\n"))
    }

    /// Runs the reload action on the reload worker: 200 when it succeeded, 500 with the reason when not.
    /// Refused unless the lifecycle API is on, and refused for cross-site requests.
    func reload(_ request: Route.Request, respond: @escaping Route.Respond) {
        guard let reloadAction else {
            return respond(.plain(.forbidden, "Lifecycle API is not enabled.\n"))
        }
        guard !CrossSiteCheck.isCrossSite(request.head.headers) else {
            return respond(.plain(.forbidden, "Cross-site requests are refused.\n"))
        }
        reloadWorker.run(
            on: request.eventLoop, reloadAction,
            then: { result in
                switch result {
                case .success:
                    respond(.plain(.ok, ""))
                case .failure(let error):
                    respond(.plain(.internalServerError, "failed to reload config: \(error)\n"))
                }
            })
    }
}
