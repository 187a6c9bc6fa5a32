import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

@testable import MusterInvestigation

/// Investigates one critical firing alert on each of `alerting`, all started at `start`, as of `now`.
func investigateAlerts(
    _ lake: ContextLake, _ store: MetricStore, alerting: [EntityRef], start: Date, now: Date,
    playbook: Playbook = .standard
) async -> Verdict {
    let alerts = alerting.map { ref in
        Alert(
            source: .generic, sourceID: ref.id, dedupKey: ref.id, status: .firing, title: "\(ref.id) alert",
            severity: .critical, startedAt: start, receivedAt: start)
    }
    let facts = IncidentFacts(
        id: IncidentID(1), now: now, firstOnset: start, alerting: alerting, alerts: alerts)
    return await Investigator(lake: lake, metrics: store, playbook: playbook).investigate(facts)
}

/// A catalog `signals` item: `metric` defaults to the name; `match` and `breakdown` when given.
func signalItem(
    _ name: String, _ type: SignalType, metric: String? = nil, match: [String: String] = [:],
    breakdown: String? = nil, breakdownKind: String? = nil
) -> JSONValue {
    var object: [String: JSONValue] = [
        "name": .string(name), "type": .string(type.rawValue), "metric": .string(metric ?? name),
    ]
    if !match.isEmpty { object["match"] = .object(match.mapValues { .string($0) }) }
    if let breakdown { object["breakdown"] = .string(breakdown) }
    if let breakdownKind { object["breakdown_kind"] = .string(breakdownKind) }
    return .object(object)
}
