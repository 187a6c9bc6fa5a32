import Foundation
import Synchronization

/// Counters and histograms of the live server, rendered in the Prometheus text format on `/metrics`.
public final class ServerMetrics: Sendable {
    private struct State {
        var received: [String: Int] = [:]  // "source|outcome"
        var triageLatency: [Double] = []  // seconds from receipt to the first triage message
        var openIncidents = 0
        var outboxDepth = 0
        var outboxFailures = 0
    }

    private let state = Mutex(State())
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init() {}

    /// Counts one delivery by source and outcome (`accepted`, `duplicate`, `rejected`, `unauthorized`, ...).
    public func received(source: String, outcome: String) {
        state.withLock { $0.received["\(source)|\(outcome)", default: 0] += 1 }
    }

    public func observeTriageLatency(_ seconds: Double) {
        state.withLock { $0.triageLatency.append(seconds) }
    }

    public func setOpenIncidents(_ count: Int) { state.withLock { $0.openIncidents = count } }

    public func setOutbox(depth: Int, failures: Int) {
        state.withLock {
            $0.outboxDepth = depth
            $0.outboxFailures = failures
        }
    }

    /// How many deliveries of `source` ended with `outcome`.
    public func count(source: String, outcome: String) -> Int {
        state.withLock { $0.received["\(source)|\(outcome)"] ?? 0 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP muster_alerts_received_total Alert deliveries received, by source and outcome.",
            "# TYPE muster_alerts_received_total counter",
        ]
        for key in snapshot.received.keys.sorted() {
            let parts = key.split(separator: "|", maxSplits: 1).map(String.init)
            lines.append(
                "muster_alerts_received_total{source=\"\(parts[0])\",outcome=\"\(parts[1])\"} \(snapshot.received[key]!)"
            )
        }
        lines += [
            "# HELP muster_open_incidents Incidents currently open.", "# TYPE muster_open_incidents gauge",
            "muster_open_incidents \(snapshot.openIncidents)",
            "# HELP muster_triage_latency_seconds From receiving an incident's first alert to its first triage message.",
            "# TYPE muster_triage_latency_seconds histogram",
        ]
        for bound in Self.buckets {
            let count = snapshot.triageLatency.filter { $0 <= bound }.count
            lines.append("muster_triage_latency_seconds_bucket{le=\"\(bound)\"} \(count)")
        }
        lines.append("muster_triage_latency_seconds_bucket{le=\"+Inf\"} \(snapshot.triageLatency.count)")
        lines.append("muster_triage_latency_seconds_sum \(snapshot.triageLatency.reduce(0, +))")
        lines.append("muster_triage_latency_seconds_count \(snapshot.triageLatency.count)")
        lines += [
            "# HELP muster_outbox_depth Outbound messages not yet delivered.", "# TYPE muster_outbox_depth gauge",
            "muster_outbox_depth \(snapshot.outboxDepth)",
            "# HELP muster_outbox_failures_total Outbound messages that failed for good.",
            "# TYPE muster_outbox_failures_total counter", "muster_outbox_failures_total \(snapshot.outboxFailures)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
