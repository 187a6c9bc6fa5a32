import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterPipeline

/// The probe dates an entity's trouble by the faults still going: an earlier blip that is over does not.
struct TroubleProbeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    @Test func aBlipThatIsOverDoesNotDateTheTroubleStillGoing() async throws {
        let lake = ContextLake.inMemory()
        let signals: JSONValue = .array([
            .object(["name": .string("latency"), "type": .string("latency"), "metric": .string("latency")]),
            .object(["name": .string("errors"), "type": .string("errors"), "metric": .string("errors")]),
        ])
        try lake.upsert([Entity(ref: api, properties: ["signals": signals])], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let latency = (-32 ..< -27).contains(minute) ? 1.6 : 0.18
            store.append("latency", labels: [:], time: time, value: latency * jitter, kind: .gauge)
            store.append("errors", labels: [:], time: time, value: (minute >= -2 ? 0.45 : 0.002) * jitter, kind: .gauge)
        }
        let probed = await TroubleProbe(lake: lake, metrics: store).probe(api, now: t0)
        #expect(probed.onsets[api] == t0.addingTimeInterval(-120))
        #expect(probed.symptoms.contains(.errors))
    }

    /// A p99 that crept 1.4x for 22 minutes (a slow cache it rode out) does not date errors that jumped 90x after:
    /// the creep is set aside; without the jump it dates the trouble as before.
    @Test(arguments: [true, false])
    func aMildCreepLongBeforeASevereFaultDatesNothing(errorsJump: Bool) async throws {
        let lake = ContextLake.inMemory()
        let signals: JSONValue = .array([
            .object(["name": .string("latency"), "type": .string("latency"), "metric": .string("latency")]),
            .object(["name": .string("errors"), "type": .string("errors"), "metric": .string("errors")]),
        ])
        try lake.upsert([Entity(ref: api, properties: ["signals": signals])], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append("latency", labels: [:], time: time, value: (minute >= -24 ? 0.42 : 0.3) * jitter, kind: .gauge)
            let errors = errorsJump && minute >= -2 ? 0.28 : 0.003
            store.append("errors", labels: [:], time: time, value: errors * jitter, kind: .gauge)
        }
        let probed = await TroubleProbe(lake: lake, metrics: store).probe(api, now: t0)
        #expect(probed.onsets[api] == t0.addingTimeInterval(errorsJump ? -120 : -24 * 60))
    }

    /// A cache slow since 22 minutes ago that went down a minute ago: its trouble dates from the slowness, and its
    /// latest severe fault (the health signal down) from a minute ago; slow only, it has no severe fault.
    @Test(arguments: [true, false])
    func anUpstreamsLatestSevereFaultIsDated(goesDown: Bool) async throws {
        let lake = ContextLake.inMemory()
        let cache = EntityRef(kind: "resource", id: "cache")
        let signals: JSONValue = .array([
            .object(["name": .string("latency"), "type": .string("latency"), "metric": .string("get_p99")]),
            .object(["name": .string("up"), "type": .string("health"), "metric": .string("up")]),
        ])
        try lake.upsert(
            [
                Entity(ref: cache, properties: ["signals": signals]),
                Entity(ref: api, relations: ["dependsOn": [cache]]),
            ],
            at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append(
                "get_p99", labels: [:], time: time, value: (minute >= -22 ? 0.009 : 0.002) * jitter, kind: .gauge)
            store.append("up", labels: [:], time: time, value: goesDown && minute >= -1 ? 0 : 1, kind: .gauge)
        }
        let probed = await TroubleProbe(lake: lake, metrics: store).probe(api, now: t0)
        #expect(probed.onsets[cache] == t0.addingTimeInterval(-22 * 60))
        #expect(probed.severeOnsets[cache] == (goesDown ? t0.addingTimeInterval(-60) : nil))
    }

    /// A cache whose CPU rose 30% -> 41% while its latency stayed flat is busier, not failing; at 30% -> 95%
    /// (exhausted), with its latency up too, or with its caller's own timing of calls to it up, it is not.
    @Test(arguments: [
        (0.41, false, false, true), (0.95, false, false, false), (0.41, true, false, false), (0.41, false, true, false),
    ])
    func anUpstreamWithOnlyAMildSaturationIsBusier(cpu: Double, isSlow: Bool, isTimedSlow: Bool, isBusier: Bool)
        async throws
    {
        let lake = ContextLake.inMemory()
        let cache = EntityRef(kind: "resource", id: "cache")
        let signals: JSONValue = .array([
            .object(["name": .string("cpu"), "type": .string("saturation"), "metric": .string("cpu")]),
            .object(["name": .string("latency"), "type": .string("latency"), "metric": .string("get_p99")]),
        ])
        let calls: JSONValue = .array([
            .object([
                "name": .string("cache-calls"), "type": .string("latency"), "metric": .string("cache_calls"),
                "match": .object(["peer": .string("cache")]),
            ])
        ])
        try lake.upsert(
            [
                Entity(ref: cache, properties: ["signals": signals]),
                Entity(ref: api, properties: ["signals": calls], relations: ["dependsOn": [cache]]),
            ],
            at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let timed = isTimedSlow && minute >= -3 ? 0.4 : 0.004
            store.append("cache_calls", labels: ["peer": "cache"], time: time, value: timed * jitter, kind: .gauge)
            store.append("cpu", labels: [:], time: time, value: (minute >= -3 ? cpu : 0.3) * jitter, kind: .gauge)
            let latency = isSlow && minute >= -3 ? 0.02 : 0.002
            store.append("get_p99", labels: [:], time: time, value: latency * jitter, kind: .gauge)
        }
        let probed = await TroubleProbe(lake: lake, metrics: store).probe(api, now: t0)
        #expect(probed.trouble[cache]?.isAnomalous == true)
        #expect(probed.busier.contains(cache) == isBusier)
    }

    /// A whale sends a steady 600/s; a small org goes 30 -> 120/s: the total moves 1.14x, under the load test, but
    /// the org's own breakdown value moved. A tenant whose value stayed flat did not.
    @Test func aTenantsOwnBreakdownValueMovesUnderASteadyTotal() async throws {
        let lake = ContextLake.inMemory()
        let signals: JSONValue = .array([
            .object([
                "name": .string("sends"), "type": .string("load"), "metric": .string("sends"), "rate": .bool(true),
                "breakdown": .string("org"),
            ])
        ])
        try lake.upsert([Entity(ref: api, properties: ["signals": signals])], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        var totals: [String: Double] = ["whale": 0, "small": 0]
        for minute in -240...0 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            totals["whale", default: 0] += 600 * 60 * jitter
            totals["small", default: 0] += (minute >= -5 ? 120 : 30) * 60 * jitter
            for (org, total) in totals {
                store.append("sends", labels: ["org": org], time: time, value: total, kind: .counter)
            }
        }
        let probe = TroubleProbe(lake: lake, metrics: store)
        #expect(await probe.probe(api, now: t0).isLoadShifted == false)
        let moved = await probe.tenantLoadMoved(api, tenants: ["org=small", "org=whale", "customer=small"], now: t0)
        #expect(moved == ["org=small"])
    }

    /// front -> a -> b -> c -> db: past the depth of 3 the probe goes on while the last hop fails, through a
    /// hop without signals (`b` measures nothing) when the one depending on it fails.
    @Test(arguments: [true, false])
    func aFailingChainIsFollowedPastTheDepth(cFails: Bool) async throws {
        let chain = ["front", "a", "b", "c", "db"].map { EntityRef(kind: "service", id: $0) }
        let lake = ContextLake.inMemory()
        try lake.upsert(
            chain.enumerated().map { index, ref in
                let signals: JSONValue =
                    ref.id == "b"
                    ? .array([])
                    : .array([
                        .object([
                            "name": .string("errors"), "type": .string("errors"), "metric": .string("errors"),
                            "match": .object(["service": .string(ref.id)]),
                        ])
                    ])
                return Entity(
                    ref: ref, properties: ["signals": signals],
                    relations: index + 1 < chain.count ? ["dependsOn": [chain[index + 1]]] : [:])
            }, at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...0 {
            for service in ["front", "a", "c", "db"] {
                let failing = minute >= -5 && (service != "c" || cFails)
                store.append(
                    "errors", labels: ["service": service], time: t0.addingTimeInterval(Double(minute) * 60),
                    value: failing ? 0.3 : 0.002, kind: .gauge)
            }
        }
        let probed = await TroubleProbe(lake: lake, metrics: store).probe(chain[0], now: t0)
        #expect(probed.deeper.map(\.ref) == (cFails ? [chain[4]] : []))
        if cFails {
            #expect(probed.deeper.first?.distance == 4 && probed.deeper.first?.path == chain)
            #expect(probed.trouble[chain[4]]?.isAnomalous == true)
        }
    }
}
