import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// Two failing services, one calling a signal-less vault directly, the other through a signal-less proxy, with
/// different symptoms: when every other upstream of both is normal, neither changed, and they turned bad
/// together, the vault is the only place where their failures can meet, and it ties them. A failing upstream
/// of either, or onsets far apart, leaves them apart.
struct SilentMeetingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let vault = EntityRef(kind: "resource", id: "vault")
    let proxy = EntityRef(kind: "service", id: "proxy")
    let identity = EntityRef(kind: "service", id: "identity")
    let payments = EntityRef(kind: "service", id: "payments")
    let identityDB = EntityRef(kind: "resource", id: "identity-db")
    let paymentsDB = EntityRef(kind: "resource", id: "payments-db")

    /// `exhausted`: payments' own saturation is full at arrival (a cause of its own in plain sight).
    func decision(paymentsDB dbTrouble: Trouble = .healthy, onsetGap: TimeInterval = 0, exhausted: String? = nil)
        throws -> CorrelationDecision
    {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: vault), Entity(ref: identityDB), Entity(ref: paymentsDB),
                Entity(ref: proxy, relations: ["dependsOn": [vault]]),
                Entity(ref: identity, relations: ["dependsOn": [vault, identityDB]]),
                Entity(ref: payments, relations: ["dependsOn": [proxy, paymentsDB]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        func arrival(_ entity: EntityRef, at offset: TimeInterval, trouble: [EntityRef: Trouble], onset: TimeInterval)
            -> AlertArrival
        {
            let alert = Alert(
                source: .generic, sourceID: entity.id, dedupKey: entity.id, status: .firing,
                title: "\(entity.id) alert", severity: .critical, labels: ["alertname": entity.id],
                startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
            return AlertArrival(
                alert: alert, entity: entity, eventID: entity.id, trouble: trouble,
                onsets: [entity: t0.addingTimeInterval(onset)])
        }
        _ = correlator.ingest(
            arrival(
                identity, at: 0,
                trouble: [identity: .anomalous("latency 0.11 -> 3.1"), vault: .unknown, identityDB: .healthy],
                onset: -240))
        var second = arrival(
            payments, at: 120,
            trouble: [
                payments: .anomalous("errors 0.002 -> 0.27"), proxy: .unknown, vault: .unknown, paymentsDB: dbTrouble,
            ], onset: -240 + onsetGap)
        second.exhausted = exhausted
        return correlator.ingest(second)
    }

    @Test func theOnlyPlaceWhereTwoUnexplainedFailuresMeetTiesThem() throws {
        let decision = try decision()
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("the only place left where both failures meet") == true)
    }

    @Test func aFailingUpstreamOfTheirOwnLeavesThemApart() throws {
        #expect(try decision(paymentsDB: .anomalous("p95 0.008 -> 2")).outcome == .opened)
    }

    @Test func anExhaustedSaturationOfItsOwnLeavesThemApart() throws {
        let decision = try decision(exhausted: "log-volume 0.55 -> 1")
        #expect(decision.outcome == .opened)
        let words = "its own log-volume 0.55 -> 1 is exhausted, a failure in plain sight"
        #expect(decision.reasons.first?.contains(words) == true)
    }

    @Test func onsetsFarApartLeaveThemApart() throws {
        #expect(try decision(onsetGap: 8 * 60).outcome == .opened)
    }
}
