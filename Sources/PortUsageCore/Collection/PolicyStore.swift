import Synchronization

/// The expected-port policy in force, swapped whole on reload, and how the last reload went.
public final class PolicyStore: Sendable {
    private struct State {
        var policy: PortPolicy?
        var lastReloadSuccessful = true
        var lastSuccessTimestamp: Double
    }

    private let state: Locked<State>

    /// A store holding `policy` (nil: no policy file) as loaded successfully at `loadedAt`.
    public init(policy: PortPolicy?, loadedAt: Double = WallClock.now()) {
        state = Locked(State(policy: policy, lastSuccessTimestamp: loadedAt))
    }

    /// The policy in force; nil without a policy file.
    public var current: PortPolicy? { state.withLock { $0.policy } }

    /// Puts `policy` in force after a successful reload.
    public func replace(with policy: PortPolicy?, at time: Double = WallClock.now()) {
        state.withLock { state in
            state.policy = policy
            state.lastReloadSuccessful = true
            state.lastSuccessTimestamp = time
        }
    }

    /// Records a failed reload; the policy in force stays.
    public func recordFailedReload() {
        state.withLock { $0.lastReloadSuccessful = false }
    }

    /// `port_usage_policy_loaded`, `port_usage_config_last_reload_successful` and
    /// `..._success_timestamp_seconds`.
    func families() -> [MetricFamily] {
        let state = state.withLock { $0 }
        return [
            MetricFamily(
                name: "port_usage_policy_loaded",
                help:
                    "Whether a policy file is in force (1), or the exporter runs without --policy.file (0).",
                type: .gauge, samples: [Sample(value: state.policy == nil ? 0 : 1)]),
            MetricFamily(
                name: "port_usage_config_last_reload_successful",
                help: "Whether the last load of the policy file succeeded (1) or failed (0).", type: .gauge,
                samples: [Sample(value: state.lastReloadSuccessful ? 1 : 0)]),
            MetricFamily(
                name: "port_usage_config_last_reload_success_timestamp_seconds",
                help: "Unix time of the last successful load of the policy file.", type: .gauge,
                samples: [Sample(value: state.lastSuccessTimestamp)]),
        ]
    }
}
