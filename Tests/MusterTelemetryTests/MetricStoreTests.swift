import Foundation
import MusterModel
import Testing

@testable import MusterTelemetry

let origin = Date(timeIntervalSince1970: 1_800_000_000)

func minutes(_ value: Double) -> Date { origin.addingTimeInterval(value * 60) }

struct MetricStoreTests {
    @Test func appendsAndReadsRangesByLabels() async throws {
        let store = MetricStore()
        for minute in 0..<10 {
            store.append(
                "lag", labels: ["group": "a", "topic": "t"], time: minutes(Double(minute)), value: Double(minute))
            store.append("lag", labels: ["group": "b", "topic": "t"], time: minutes(Double(minute)), value: 100)
        }
        let both = try await store.series(named: "lag", matching: ["topic": "t"], from: minutes(2), to: minutes(4))
        #expect(both.count == 2)
        #expect(both[0].labels["group"] == "a")
        #expect(both[0].samples.map(\.value) == [2, 3, 4], "the range is inclusive at both ends")
        let one = try await store.series(named: "lag", matching: ["group": "b"], from: minutes(0), to: minutes(100))
        #expect(one.count == 1 && one[0].samples.count == 10)
        #expect(
            try await store.series(named: "lag", matching: ["group": "c"], from: minutes(0), to: minutes(9)).isEmpty)
        #expect(try await store.series(named: "nope", matching: [:], from: minutes(0), to: minutes(9)).isEmpty)
    }

    @Test func outOfOrderSamplesAreSortedAndDuplicatesReplaced() {
        let store = MetricStore()
        for minute in [5.0, 1, 3, 2, 4, 3] { store.append("m", time: minutes(minute), value: minute * 10) }
        store.append("m", time: minutes(3), value: -1)
        let samples = store.allSeries(named: "m")[0].samples
        #expect(samples.map(\.time) == [1, 2, 3, 4, 5].map { minutes($0) })
        #expect(samples[2].value == -1)
    }

    @Test func holdsManySamplesEfficiently() async throws {
        let store = MetricStore()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for series in 0..<20 {
                let samples = (0..<10_000).map {
                    Sample(time: origin.addingTimeInterval(Double($0) * 15), value: Double($0))
                }
                store.append("requests_total", labels: ["pod": "p\(series)"], samples: samples, kind: .counter)
            }
        }
        #expect(store.sampleCount == 200_000)
        #expect(elapsed < .seconds(10))
        let window = try await store.series(
            named: "requests_total", matching: ["pod": "p7"], from: origin.addingTimeInterval(15 * 5000),
            to: origin.addingTimeInterval(15 * 5009))
        #expect(window.first?.samples.count == 10)
    }
}

struct SeriesMathTests {
    @Test func rateHandlesCounterResets() {
        let samples = [0.0, 60, 120, 30, 90].enumerated().map {
            Sample(time: minutes(Double($0.offset)), value: $0.element)
        }
        let rates = SeriesMath.rate(samples)
        #expect(rates.map(\.value) == [1, 1, 0.5, 1])
        #expect(rates.first?.time == minutes(1))
    }

    @Test func sumAlignsOnTimestamps() {
        let a = [Sample(time: minutes(0), value: 1), Sample(time: minutes(1), value: 2)]
        let b = [Sample(time: minutes(1), value: 10), Sample(time: minutes(2), value: 20)]
        #expect(SeriesMath.sum([a, b]).map(\.value) == [1, 12, 20])
    }

    @Test func windowsAreHalfOpen() {
        let samples = (0..<10).map { Sample(time: minutes(Double($0)), value: Double($0)) }
        #expect(samples.mean(from: minutes(0), to: minutes(4)) == 1.5)
        #expect(samples.median(from: minutes(0), to: minutes(5)) == 2)
        #expect(samples.median(from: minutes(20), to: minutes(30)) == nil)
        #expect(samples.value(at: minutes(3.5)) == 3)
    }

    @Test func signalValuesAndBreakdownApplyRate() async throws {
        let store = MetricStore()
        for org in ["acme", "globex"] {
            let perSecond = org == "acme" ? 10.0 : 1.0
            let samples = (0...5).map { Sample(time: minutes(Double($0)), value: Double($0) * 60 * perSecond) }
            store.append("runs_total", labels: ["org": org, "service": "api"], samples: samples, kind: .counter)
        }
        let signal = SignalSpec(
            name: "runs", type: .load, metric: "runs_total", match: ["service": "api"], isRate: true, breakdown: "org")
        let total = try await store.values(of: signal, from: minutes(0), to: minutes(5))
        #expect(total.count == 5 && total.allSatisfy { abs($0.value - 11) < 1e-9 })
        let split = try await store.breakdown(of: signal, from: minutes(0), to: minutes(5))
        #expect(split.keys.sorted() == ["acme", "globex"])
        #expect(split["acme"]?.first?.value == 10)
    }
}
