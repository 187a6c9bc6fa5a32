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
}
