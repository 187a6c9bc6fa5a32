import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// An external API without signals of its own, seen only through its caller's client-side latency matched on
/// `peer: vendor`: when that latency rose before the caller's errors, the vendor is the failing dependency, and the
/// evidence says who saw it. With the client-side latency flat, nothing points at the vendor.
struct ObservedUpstreamTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let vendor = EntityRef(kind: "resource", id: "vendor")

    @Test(arguments: [true, false])
    func aCallersClientSideSignalOnAPeerIsEvidenceAboutThatPeer(vendorSlow: Bool) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: vendor, properties: ["type": .string("external-api")], relations: ["ownedBy": [team]]),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([
                            signalItem("api_errors", .errors),
                            signalItem("vendor-latency", .latency, metric: "client_p99", match: ["peer": "vendor"]),
                        ])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [vendor]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -200...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            store.append(
                "client_p99", labels: ["peer": "vendor"], time: time,
                value: (vendorSlow && minute >= -10 ? 9 : 0.15) * jitter, kind: .gauge)
            store.append(
                "api_errors", labels: [:], time: time, value: (minute >= -6 ? 0.3 : 0.002) * jitter, kind: .gauge)
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(60))
        let found = verdict.hypotheses.first { $0.entity == vendor }
        #expect((verdict.rootCause?.entity == vendor) == vendorSlow)
        #expect((found != nil) == vendorSlow)
        #expect(found?.evidence.contains { $0.text.contains("seen by service:api") } ?? false == vendorSlow)
    }
}
