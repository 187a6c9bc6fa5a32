import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A caller's config is changed at -5m; the pool of the service it calls fills from -4m, and the caller's errors
/// follow at -3m. An upstream whose trouble began within a minute of the change is the change's doing only when the
/// change sent it more load; at flat load it is judged against the caller's own onset: it failed first.
struct FlatLoadChangeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let caller = EntityRef(kind: "service", id: "caller")
    let reports = EntityRef(kind: "service", id: "reports")

    /// `callerLoad`: the caller's request rate (and so the reports service's) from the change on (60 before).
    func verdict(callerLoad: Double) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: reports,
                    properties: [
                        "actions": .array([.string("scale-out")]), "replicas": .number(4),
                        "signals": .array([
                            signalItem("latency", .latency, match: ["app": "reports"]),
                            signalItem("requests", .load, match: ["app": "reports"]),
                            signalItem("workers", .saturation, match: ["app": "reports"]),
                        ]),
                    ], relations: ["ownedBy": [team]]),
                Entity(
                    ref: caller,
                    properties: [
                        "actions": .array([.string("config-revert")]),
                        "signals": .array([
                            signalItem("errors", .errors, match: ["app": "caller"]),
                            signalItem("calls", .load, match: ["app": "caller"]),
                        ]),
                    ], relations: ["ownedBy": [team], "dependsOn": [reports]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Change(target: caller, at: t0.addingTimeInterval(-5 * 60), summary: "log level info -> debug"))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let load = minute >= -5 ? callerLoad : 60
            store.append("calls", labels: ["app": "caller"], time: time, value: load * jitter, kind: .gauge)
            store.append("requests", labels: ["app": "reports"], time: time, value: load * jitter, kind: .gauge)
            store.append(
                "workers", labels: ["app": "reports"], time: time, value: minute >= -4 ? 1.0 : 0.55 * jitter,
                kind: .gauge)
            store.append(
                "latency", labels: ["app": "reports"], time: time, value: (minute >= -4 ? 12 : 0.9) * jitter,
                kind: .gauge)
            store.append(
                "errors", labels: ["app": "caller"], time: time, value: (minute >= -3 ? 0.04 : 0.002) * jitter,
                kind: .gauge)
        }
        return await investigateAlerts(
            lake, store, alerting: [reports, caller], start: t0, now: t0.addingTimeInterval(60))
    }

    func change(_ verdict: Verdict) throws -> Hypothesis {
        try #require(verdict.hypotheses.first { $0.kind == .configChange && $0.entity == caller })
    }

    @Test func anUpstreamFilledAtFlatLoadFailedFirst() async throws {
        let verdict = try await verdict(callerLoad: 60)
        #expect(verdict.rootCause?.kind == .saturation)
        #expect(verdict.rootCause?.entity == reports)
        #expect(try change(verdict).evidence.contains { $0.isAgainst && $0.text.contains("\(reports) failed first") })
    }

    @Test func anUpstreamTheChangeSentMoreLoadDidNotFailFirst() async throws {
        let verdict = try await verdict(callerLoad: 150)
        #expect(try !change(verdict).evidence.contains { $0.text.contains("failed first") })
    }
}
