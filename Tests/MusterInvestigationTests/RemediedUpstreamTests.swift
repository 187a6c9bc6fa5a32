import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A vendor that measures nothing, behind a service whose errors cleared a minute after someone failed the
/// vendor over: what the failover fixed is where the trouble was.
struct RemediedUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "quotes")
    let vendor = EntityRef(kind: "resource", id: "bureau")

    func verdict(failedOver: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: vendor, relations: ["ownedBy": [team]]),
                Entity(
                    ref: api, properties: ["signals": .array([signalItem("errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [vendor]]),
            ], at: t0.addingTimeInterval(-86_400))
        if failedOver {
            try lake.record(ActionRecord(name: "failover", target: vendor, at: t0.addingTimeInterval(60)))
        }
        let store = MetricStore()
        for minute in -240...10 {
            let failing = minute >= -4 && (!failedOver || minute < 2)
            store.append(
                "errors", labels: [:], time: t0.addingTimeInterval(Double(minute) * 60), value: failing ? 0.4 : 0.002,
                kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(600))
    }

    @Test func theVendorAFailoverFixedIsTheCause() async throws {
        let top = try #require(try await verdict(failedOver: true).hypotheses.first)
        #expect(top.kind == .dependency && top.entity == vendor)
        #expect(top.evidence.contains { $0.text.contains("failover of resource:bureau") })
    }

    @Test func withoutTheFixNothingPointsAtTheVendor() async throws {
        #expect(!(try await verdict(failedOver: false)).hypotheses.contains { $0.entity == vendor })
    }
}
