import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A deploy of an upstream whose own signals stay normal, after which every alerting service calling it fails
/// within minutes, with nothing of their own to explain it: the deploy broke what its callers expect (a new
/// contract). A caller with a failing upstream of its own, or a single caller, does not make the case.
struct BrokenCallersTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let directory = EntityRef(kind: "service", id: "directory")
    let callers = [EntityRef(kind: "service", id: "appointments"), EntityRef(kind: "service", id: "referrals")]
    let cache = EntityRef(kind: "resource", id: "cache")

    func signal(_ name: String, _ type: SignalType) -> JSONValue {
        .object([
            "name": .string(name), "type": .string(type.rawValue), "metric": .string(name),
            "match": .object(["svc": .string(name)]),
        ])
    }

    /// The directory's errors stay flat; the callers' errors step up at -5m; the cache (called by the second
    /// caller only) goes slow at `cacheFails` minutes (nil: never).
    func verdict(alerting: Int = 2, cacheFails: Int? = nil) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: cache, properties: ["signals": .array([signal("cache-p99", .latency)])]),
                Entity(
                    ref: directory,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array([signal("directory-errors", .errors)]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: callers[0], properties: ["signals": .array([signal("appointments-errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [directory]]),
                Entity(
                    ref: callers[1], properties: ["signals": .array([signal("referrals-errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [directory, cache]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: directory, at: t0.addingTimeInterval(-360), version: "5.0"))
        let store = MetricStore()
        for minute in -240...5 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("directory-errors", labels: ["svc": "directory-errors"], time: time, value: 0.002 * jitter)
            for name in ["appointments-errors", "referrals-errors"] {
                let value = minute >= -5 ? 0.3 : 0.002
                store.append(name, labels: ["svc": name], time: time, value: value * jitter)
            }
            let slow = minute >= (cacheFails ?? .max) ? 2.0 : 0.01
            store.append("cache-p99", labels: ["svc": "cache-p99"], time: time, value: slow * jitter)
        }
        return await investigateAlerts(
            lake, store, alerting: Array(callers.prefix(alerting)), start: t0, now: t0.addingTimeInterval(120))
    }

    @Test func callersFailingRightAfterTheirUpstreamsDeployBlameIt() async throws {
        let verdict = try await verdict()
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == directory)
        #expect(verdict.rootCause?.evidence.contains { $0.text.contains("a change can break its callers") } == true)
    }

    @Test func aCallerWithAFailingUpstreamOfItsOwnSpoilsTheCase() async throws {
        let verdict = try await verdict(cacheFails: -6)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == directory })
        #expect(deploy.score < 0.3)
    }

    /// A cache slow since 24 minutes before the callers broke (5 minutes after the deploy) was ridden out by its
    /// caller: it does not explain the errors, so the deploy keeps its case.
    @Test func anUpstreamTheCallerRodeOutDoesNotSpoilTheCase() async throws {
        let verdict = try await verdict(cacheFails: -29)
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == directory)
        #expect(verdict.rootCause?.evidence.contains { $0.text.contains("a change can break its callers") } == true)
        // The cache is failing on the same card: the words claim only what the rule checked.
        #expect(verdict.rootCause?.evidence.contains { $0.text.contains("failing upstream of their own") } == false)
    }

    @Test func aSingleFailingCallerDoesNotMakeTheCase() async throws {
        let verdict = try await verdict(alerting: 1)
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == directory })
        #expect(deploy.score < 0.3)
    }
}
