import Synchronization

/// Counts what a sink (push, textfile) did, for the exporter's self-metrics: attempts by result, the
/// duration of the last one, and when the last one succeeded.
public final class SinkStatistics: Sendable {
    /// The metric names of one sink.
    public struct Names: Sendable {
        public var attempts: String
        public var attemptsHelp: String
        public var duration: String
        public var durationHelp: String
        public var lastSuccess: String
        public var lastSuccessHelp: String
    }

    /// `port_usage_push_*`: requests to the Pushgateway.
    public static let pushNames = Names(
        attempts: "port_usage_push_requests_total",
        attemptsHelp: "Requests to the Pushgateway (retries included), by result.",
        duration: "port_usage_push_duration_seconds",
        durationHelp: "Duration of the last request to the Pushgateway in seconds.",
        lastSuccess: "port_usage_push_last_success_timestamp_seconds",
        lastSuccessHelp: "Unix time of the last successful push, 0 before the first.")

    /// `port_usage_textfile_*`: writes of the textfile.
    public static let textfileNames = Names(
        attempts: "port_usage_textfile_writes_total",
        attemptsHelp: "Writes of the textfile, by result.",
        duration: "port_usage_textfile_write_duration_seconds",
        durationHelp: "Duration of the last textfile write in seconds.",
        lastSuccess: "port_usage_textfile_last_success_timestamp_seconds",
        lastSuccessHelp: "Unix time of the last successful textfile write, 0 before the first.")

    private struct State {
        var successes = 0
        var errors = 0
        var lastDurationSeconds = 0.0
        var lastSuccessTimestamp = 0.0
    }

    public let names: Names
    private let state = Locked(State())

    public init(names: Names) {
        self.names = names
    }

    /// Records one attempt that took `durationSeconds` and ended at wall-clock time `finishedAt`.
    public func record(success: Bool, durationSeconds: Double, finishedAt: Double = WallClock.now()) {
        state.withLock { state in
            if success {
                state.successes += 1
                state.lastSuccessTimestamp = finishedAt
            } else {
                state.errors += 1
            }
            state.lastDurationSeconds = durationSeconds
        }
    }

    /// The sink's metric families as they stand now.
    public func families() -> [MetricFamily] {
        let state = state.withLock { $0 }
        return [
            MetricFamily(
                name: names.attempts, help: names.attemptsHelp, type: .counter,
                samples: [
                    Sample(labels: [Label("result", "error")], value: Double(state.errors)),
                    Sample(labels: [Label("result", "success")], value: Double(state.successes)),
                ]),
            MetricFamily(
                name: names.duration, help: names.durationHelp, type: .gauge,
                samples: [Sample(labels: [], value: state.lastDurationSeconds)]),
            MetricFamily(
                name: names.lastSuccess, help: names.lastSuccessHelp, type: .gauge,
                samples: [Sample(labels: [], value: state.lastSuccessTimestamp)]),
        ]
    }
}
