import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A flag turned on for one org (a change on the org) 2 minutes before that org's failed payments rose, while every
/// other org's stayed normal: the change on the org is the cause. Failures that rose for every org alike are not
/// confined to it, and the change on it explains nothing.
struct ConfinedFailuresTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let org = EntityRef(kind: "org", id: "acme")

    @Test(arguments: [(true, true), (false, false)])
    func aChangeOnTheOneOrgTheFailuresAreConfinedToIsTheCause(confined: Bool, isCause: Bool) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let customer = EntityRef(kind: "customer", id: "acme-co")
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: customer),
                Entity(ref: org, relations: ["belongsTo": [customer]]),
                Entity(ref: EntityRef(kind: "org", id: "bolt"), relations: ["belongsTo": [customer]]),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([signalItem("failed", .errors, breakdown: "org")])
                    ],
                    relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Change(target: org, at: t0.addingTimeInterval(-9 * 60), summary: "flag enabled for acme"))
        let store = MetricStore()
        for minute in -200...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let failing = minute >= -7
            store.append(
                "failed", labels: ["org": "acme"], time: time, value: (failing ? 14 : 0.03) * jitter, kind: .gauge)
            store.append(
                "failed", labels: ["org": "bolt"], time: time, value: (failing && !confined ? 20 : 0.05) * jitter,
                kind: .gauge)
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(60))
        let found = verdict.hypotheses.first { $0.kind == .configChange && $0.entity == org }
        #expect((found != nil) == isCause)
        #expect((verdict.rootCause?.entity == org) == isCause)
        #expect(found?.evidence.contains { $0.text.contains("confined to it") } ?? false == isCause)
    }
}
