import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Two services that do not call each other fail in the same minute; the only thing they share is a zone that
/// measures nothing. A third service, not in the zone, has the same kinds of signals.
struct SilentZoneTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let zone = EntityRef(kind: "resource", id: "zone-c")
    let cart = EntityRef(kind: "service", id: "cart")
    let stock = EntityRef(kind: "service", id: "stock")
    let profile = EntityRef(kind: "service", id: "profile")

    func verdict(profileFails: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        func errors(_ service: String) -> JSONValue {
            .array([signalItem("errors", .errors, match: ["service": service])])
        }
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: zone, properties: ["type": .string("availability-zone")], relations: ["ownedBy": [team]]),
                Entity(
                    ref: cart, properties: ["signals": errors("cart")],
                    relations: ["ownedBy": [team], "dependsOn": [zone]]
                ),
                Entity(
                    ref: stock, properties: ["signals": errors("stock")],
                    relations: ["ownedBy": [team], "dependsOn": [zone]]),
                Entity(ref: profile, properties: ["signals": errors("profile")], relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        let onsets = ["cart": -2, "stock": -2, "profile": profileFails ? -2 : 99]
        for minute in -240...2 {
            for (service, onset) in onsets {
                store.append(
                    "errors", labels: ["service": service], time: t0.addingTimeInterval(Double(minute) * 60),
                    value: minute >= onset ? 0.3 : 0.002, kind: .gauge)
            }
        }
        return await investigateAlerts(
            lake, store, alerting: [cart, stock], start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func aSilentZoneWhereTheyMeetIsInfrastructureConfinedByANormalServiceOutsideIt() async throws {
        let verdict = try await verdict(profileFails: false)
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == .infrastructure && top.entity == zone)
        #expect(top.evidence.contains { $0.text.contains("service:profile, which does not run on it, stayed normal") })
        #expect(verdict.rootCause?.entity == zone)
    }

    @Test func aServiceOutsideTheZoneFailingTooLeavesItUnconfirmed() async throws {
        let verdict = try await verdict(profileFails: true)
        let zoned = try #require(verdict.hypotheses.first { $0.entity == zone })
        #expect(zoned.kind == .infrastructure)
        #expect(!zoned.evidence.contains { $0.text.contains("confined") })
    }
}
