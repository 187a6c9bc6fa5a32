import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A database whose queries rose 10x while its caller's own requests stayed flat has no outside source: a change
/// of the cache beside it (another dependency of the same caller), right after which the cache's memory fell from
/// 72% to 2%, is the cause. A cache whose memory did not move, or a caller whose requests rose with the queries
/// (10x, or 1.6x: under a spike, yet a clear rise by the deviation rule), leaves the database the failing dependency. The database alerting itself changes nothing: its own throughput rose
/// with no outside source, and the change beside it is the source to name.
struct ChangeBesideTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")
    let cache = EntityRef(kind: "resource", id: "cache")
    let db = EntityRef(kind: "resource", id: "db")

    @Test(arguments: [
        (true, 1.0, false, RootCauseKind.configChange), (false, 1.0, false, .dependency),
        (true, 10.0, false, .dependency), (true, 1.0, true, .configChange), (true, 1.6, false, .dependency),
    ])
    func aLoadSurgeWithNoOutsideSourceIsTracedToTheChangeBesideIt(
        cacheEmptied: Bool, callerRise: Double, dbAlerts: Bool, winner: RootCauseKind
    ) async throws {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(
                    ref: cache,
                    properties: [
                        "type": .string("redis"), "signals": .array([signalItem("cache_memory", .saturation)]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: db,
                    properties: [
                        "type": .string("postgres"),
                        "signals": .array([signalItem("db_cpu", .saturation), signalItem("db_queries", .load)]),
                    ],
                    relations: ["ownedBy": [team]]),
                Entity(
                    ref: api,
                    properties: [
                        "signals": .array([signalItem("api_errors", .errors), signalItem("api_requests", .load)])
                    ],
                    relations: ["ownedBy": [team], "dependsOn": [cache, db]]),
            ], at: t0.addingTimeInterval(-86_400))
        try lake.record(Change(target: cache, at: t0.addingTimeInterval(-7 * 60), summary: "engine upgrade in place"))
        let store = MetricStore()
        for minute in -200...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let values = [
                ("cache_memory", cacheEmptied && minute >= -6 ? 0.02 : 0.72),
                ("db_queries", minute >= -6 ? 4200 : 400), ("db_cpu", minute >= -6 ? 0.99 : 0.35),
                ("api_requests", minute >= -6 ? 950 * callerRise : 950),
                ("api_errors", minute >= -5 ? 0.2 : 0.002),
            ]
            for (name, value) in values {
                store.append(name, labels: [:], time: time, value: value * jitter, kind: .gauge)
            }
        }
        let verdict = await investigateAlerts(
            lake, store, alerting: dbAlerts ? [db, api] : [api], start: t0, now: t0.addingTimeInterval(60))
        let top = try #require(verdict.hypotheses.first)
        #expect(top.kind == winner)
        #expect((verdict.rootCause?.kind == .configChange) == (winner == .configChange))
        #expect(top.evidence.contains { $0.text.contains("no outside source") } == (winner == .configChange))
    }
}
