import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A producer beside an alerting reader on a shared cache is deployed, and its own errors rise a minute later, as
/// the reader's CPU does. The producer's deploy explains the reader only through the cache: its load into it moved
/// or the cache turned bad. A reader changed itself in the 5 minutes before it turned bad has the nearer trigger.
struct ProducerBesideReaderTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let producer = EntityRef(kind: "service", id: "producer")
    let reader = EntityRef(kind: "service", id: "reader")
    let cache = EntityRef(kind: "resource", id: "cache")

    /// `producerLoad`: the producer's request rate from its errors on (40 before); `cacheDown`: the cache's health
    /// drops with the reader. The reader's config is changed at -6m when `readerChanged`.
    func verdict(producerLoad: Double, cacheDown: Bool = false, readerChanged: Bool) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: cache,
                    properties: ["signals": .array([signalItem("up", .health, match: ["app": "cache"])])],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: producer,
                    properties: [
                        "actions": .array([.string("rollback")]),
                        "signals": .array([
                            signalItem("errors", .errors, match: ["app": "producer"]),
                            signalItem("requests", .load, match: ["app": "producer"]),
                        ]),
                    ], relations: ["ownedBy": [team], "dependsOn": [cache]]),
                Entity(
                    ref: reader,
                    properties: [
                        "actions": .array([.string("config-revert")]),
                        "signals": .array([signalItem("cpu", .saturation, match: ["app": "reader"])]),
                    ], relations: ["ownedBy": [team], "dependsOn": [cache]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Deployment(target: producer, at: t0.addingTimeInterval(-5 * 60), version: "5.0"))
        if readerChanged {
            try lake.record(Change(target: reader, at: t0.addingTimeInterval(-6 * 60), summary: "cache TTL 300s -> 0"))
        }
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let bad = minute >= -4
            store.append(
                "errors", labels: ["app": "producer"], time: time, value: (bad ? 0.16 : 0.002) * jitter, kind: .gauge)
            store.append(
                "requests", labels: ["app": "producer"], time: time, value: (bad ? producerLoad : 40) * jitter,
                kind: .gauge)
            store.append("cpu", labels: ["app": "reader"], time: time, value: (bad ? 0.97 : 0.4) * jitter, kind: .gauge)
            store.append("up", labels: ["app": "cache"], time: time, value: bad && cacheDown ? 0 : 1, kind: .gauge)
        }
        return await investigateAlerts(lake, store, alerting: [reader], start: t0, now: t0.addingTimeInterval(60))
    }

    func producerDeploy(_ verdict: Verdict) -> Hypothesis? {
        verdict.hypotheses.first { $0.kind == .deployment && $0.entity == producer }
    }

    @Test func aReaderChangedJustBeforeItTurnedBadHasTheNearerTrigger() async throws {
        // The producer's load tripled into the cache: only the reader's own change, a minute before the producer's
        // deploy, keeps the reader out of it.
        let verdict = try await verdict(producerLoad: 120, readerChanged: true)
        #expect(verdict.rootCause?.kind == .configChange)
        #expect(verdict.rootCause?.entity == reader)
        let deploy = try #require(producerDeploy(verdict))
        #expect(!deploy.evidence.contains { $0.text.contains("reads what") })
    }

    @Test func aProducerFailingAtFlatLoadBesideAHealthyCacheDoesNotReachTheReader() async throws {
        let verdict = try await verdict(producerLoad: 40, readerChanged: false)
        let deploy = try #require(producerDeploy(verdict))
        #expect(!deploy.evidence.contains { $0.text.contains("reads what") })
        #expect(deploy.evidence.contains { $0.isAgainst && $0.text.contains("explains 0 of 1") })
    }

    @Test func aProducerWhoseLoadIntoTheCacheMovedStillReachesTheReader() async throws {
        let verdict = try await verdict(producerLoad: 120, readerChanged: false)
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == producer)
    }

    @Test func aProducerBesideACacheThatWentDownStillReachesTheReader() async throws {
        let verdict = try await verdict(producerLoad: 40, cacheDown: true, readerChanged: false)
        let deploy = try #require(producerDeploy(verdict))
        #expect(deploy.evidence.contains { $0.text.contains("reads what") })
    }
}
