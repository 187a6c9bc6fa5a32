import Foundation
import Synchronization

/// Counters and histograms of the live server, rendered in the Prometheus text format on `/metrics`.
public final class ServerMetrics: Sendable {
    private struct State {
        var received: [Delivery: Int] = [:]
        /// Triage latencies (seconds from receipt to the first triage message) per bucket of `buckets`, not
        /// cumulative; the last counts those above every bound. Counts, not samples: a server runs for months.
        var latencyBuckets = [Int](repeating: 0, count: ServerMetrics.buckets.count + 1)
        var latencySum = 0.0
        var openIncidents = 0
        var outboxDepth = 0
        var outboxFailures = 0
        var intakeLogBacklog = 0
    }

    /// A delivery counter's labels.
    private struct Delivery: Hashable, Comparable {
        var source: String
        var outcome: String

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.source, lhs.outcome) < (rhs.source, rhs.outcome) }
    }

    private let state = Mutex(State())
    static let buckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    public init() {}

    /// Counts one delivery by source and outcome (`accepted`, `duplicate`, `rejected`, `unauthorized`, ...).
    public func received(source: String, outcome: String) {
        state.withLock { $0.received[Delivery(source: source, outcome: outcome), default: 0] += 1 }
    }

    public func observeTriageLatency(_ seconds: Double) {
        let bucket = Self.buckets.firstIndex { seconds <= $0 } ?? Self.buckets.count
        state.withLock {
            $0.latencyBuckets[bucket] += 1
            $0.latencySum += seconds
        }
    }

    /// Acknowledged deliveries in the intake log that the intake table does not hold yet.
    public func setIntakeLog(backlog: Int) { state.withLock { $0.intakeLogBacklog = backlog } }

    public func setOpenIncidents(_ count: Int) { state.withLock { $0.openIncidents = count } }

    public func setOutbox(depth: Int, failures: Int) {
        state.withLock {
            $0.outboxDepth = depth
            $0.outboxFailures = failures
        }
    }

    /// How many deliveries of `source` ended with `outcome`.
    public func count(source: String, outcome: String) -> Int {
        state.withLock { $0.received[Delivery(source: source, outcome: outcome)] ?? 0 }
    }

    /// The Prometheus text exposition (version 0.0.4).
    public func render() -> String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP muster_alerts_received_total Alert deliveries received, by source and outcome.",
            "# TYPE muster_alerts_received_total counter",
        ]
        for (key, count) in snapshot.received.sorted(by: { $0.key < $1.key }) {
            lines.append("muster_alerts_received_total{source=\"\(key.source)\",outcome=\"\(key.outcome)\"} \(count)")
        }
        lines += [
            "# HELP muster_open_incidents Incidents currently open.", "# TYPE muster_open_incidents gauge",
            "muster_open_incidents \(snapshot.openIncidents)",
            "# HELP muster_triage_latency_seconds From receiving an incident's first alert to its first triage message.",
            "# TYPE muster_triage_latency_seconds histogram",
        ]
        var cumulative = 0
        for (bound, count) in zip(Self.buckets, snapshot.latencyBuckets) {
            cumulative += count
            lines.append("muster_triage_latency_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        let total = snapshot.latencyBuckets.reduce(0, +)
        lines.append("muster_triage_latency_seconds_bucket{le=\"+Inf\"} \(total)")
        lines.append("muster_triage_latency_seconds_sum \(snapshot.latencySum)")
        lines.append("muster_triage_latency_seconds_count \(total)")
        lines += [
            "# HELP muster_outbox_depth Outbound messages not yet delivered.", "# TYPE muster_outbox_depth gauge",
            "muster_outbox_depth \(snapshot.outboxDepth)",
            "# HELP muster_outbox_failures_total Outbound messages that failed for good.",
            "# TYPE muster_outbox_failures_total counter", "muster_outbox_failures_total \(snapshot.outboxFailures)",
            "# HELP muster_intake_log_backlog Acknowledged deliveries in the intake log not yet in the intake table.",
            "# TYPE muster_intake_log_backlog gauge", "muster_intake_log_backlog \(snapshot.intakeLogBacklog)",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
