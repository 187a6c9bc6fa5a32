import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A queue that fills while publishing is steady backs up behind a reader that stopped draining it: the reader's
/// failing upstream is the cause, not the full queue.
struct BackPressureTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let queue = EntityRef(kind: "resource", id: "queue")
    let vendor = EntityRef(kind: "resource", id: "vendor")
    let worker = EntityRef(kind: "service", id: "worker")
    let producer = EntityRef(kind: "service", id: "producer")

    /// The vendor fails at -20m (or never), the worker at -19m; the queue fills from -19m (or `publishSpike`: the
    /// publish rate triples at -19m); the producer fails at -2m.
    func verdict(vendorFails: Bool, publishSpike: Bool = false) async throws -> Verdict {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        try lake.upsert(
            [
                Entity(ref: team),
                Entity(ref: vendor, properties: ["signals": .array([signalItem("vendor_errors", .errors)])]),
                Entity(
                    ref: queue,
                    properties: ["signals": .array([signalItem("fill", .saturation), signalItem("published", .load)])]),
                Entity(
                    ref: worker, properties: ["signals": .array([signalItem("worker_errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [queue, vendor]]),
                Entity(
                    ref: producer, properties: ["signals": .array([signalItem("producer_errors", .errors)])],
                    relations: ["ownedBy": [team], "dependsOn": [queue]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...2 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            func add(_ name: String, _ value: Double) {
                store.append(name, labels: [:], time: time, value: value * jitter, kind: .gauge)
            }
            add("vendor_errors", vendorFails && minute >= -20 ? 0.85 : 0.005)
            add("worker_errors", minute >= -19 ? 0.8 : 0.003)
            add("fill", minute >= -19 ? min(1, 0.002 + 0.06 * Double(minute + 19)) : 0.002)
            add("published", publishSpike && minute >= -19 ? 150 : 50)
            add("producer_errors", minute >= -2 ? 0.9 : 0.001)
        }
        return await investigateAlerts(
            lake, store, alerting: [worker, producer], start: t0.addingTimeInterval(-600),
            now: t0.addingTimeInterval(120))
    }

    @Test func theFullQueueYieldsToTheReadersFailingVendor() async throws {
        let verdict = try await verdict(vendorFails: true)
        #expect(verdict.hypotheses.first?.entity == vendor)
        let full = try #require(verdict.hypotheses.first { $0.entity == queue })
        #expect(full.evidence.contains { $0.isAgainst && $0.text.contains("backs up behind") })
    }

    @Test(arguments: [(false, false), (true, true)])
    func withoutAStalledReaderOrWithRisingInflowTheQueueIsNotExcused(vendorFails: Bool, publishSpike: Bool)
        async throws
    {
        let verdict = try await verdict(vendorFails: vendorFails, publishSpike: publishSpike)
        let full = try #require(verdict.hypotheses.first { $0.entity == queue })
        #expect(!full.evidence.contains { $0.text.contains("backs up behind") })
    }
}
