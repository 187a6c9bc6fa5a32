import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// An external API without signals of its own, seen only through its caller's client-side latency matched on
/// `peer: vendor`: when that latency rose before the caller's errors, the vendor is the failing dependency, and the
/// evidence says who saw it. With the client-side latency flat, nothing points at the vendor. Another caller's view
/// that stayed normal speaks against the vendor, and so does the caller's own saturation turning bad no later than its
/// view (GC pauses inflate every timing it takes; not when another caller sees the vendor slow too): with both, the
/// caller's saturation is the cause. Only a peer label
/// (`peer`, `upstream`, ...) makes a signal a view of the entity it names.
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

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func aDisagreeingViewAndTheCallersOwnSaturationDoubtIt(heapFirst: Bool, otherCalm: Bool) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        let other = EntityRef(kind: "service", id: "other")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: vendor, properties: ["type": .string("external-api")], relations: ["ownedBy": [team]]),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([
                            signalItem("api_errors", .errors), signalItem("heap", .saturation),
                            signalItem(
                                "vendor-latency", .latency, metric: "client_p99",
                                match: ["service": "api", "peer": "vendor"]),
                        ])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [vendor]]),
                Entity(
                    ref: other,
                    properties: [
                        "signals": .array([
                            signalItem(
                                "vendor-latency", .latency, metric: "client_p99",
                                match: ["service": "other", "peer": "vendor"])
                        ])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [vendor]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -200...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let values: [(String, [String: String], Double)] = [
                ("client_p99", ["service": "api", "peer": "vendor"], minute >= -10 ? 2 : 0.12),
                ("client_p99", ["service": "other", "peer": "vendor"], !otherCalm && minute >= -10 ? 2 : 0.12),
                ("heap", [:], heapFirst && minute >= -11 ? 0.95 : 0.6),
                ("api_errors", [:], minute >= -6 ? 0.3 : 0.002),
            ]
            for (name, labels, value) in values {
                store.append(name, labels: labels, time: time, value: value * jitter, kind: .gauge)
            }
        }
        let verdict = await investigateAlerts(lake, store, alerting: [api], start: t0, now: t0.addingTimeInterval(60))
        let found = try #require(verdict.hypotheses.first { $0.entity == vendor })
        #expect(found.evidence.contains { $0.isAgainst && $0.text.contains("disagrees") } == otherCalm)
        #expect(
            found.evidence.contains { $0.isAgainst && $0.text.contains("short of its own capacity") }
                == (heapFirst && otherCalm))
        if heapFirst && otherCalm {
            #expect(verdict.hypotheses.first?.kind == .saturation && verdict.hypotheses.first?.entity == api)
        } else if !heapFirst && !otherCalm {
            #expect(verdict.rootCause?.entity == vendor)
        }
    }

    @Test(arguments: [(["peer": "vendor"], true), (["upstream": "vendor"], true), (["service": "vendor"], false)])
    func onlyAPeerLabelNamesTheOtherEndOfACall(match: [String: String], isView: Bool) {
        let signal = SignalSpec(name: "calls", type: .latency, metric: "p99", match: match)
        #expect(InvestigationContext.names(signal, peer: vendor) == isView)
    }
}
