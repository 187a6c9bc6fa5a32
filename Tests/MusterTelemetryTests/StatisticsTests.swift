import Foundation
import MusterModel
import Testing

@testable import MusterTelemetry

/// Samples one minute apart from `origin`, with deterministic +-`noise` multiplicative jitter.
private func series(_ count: Int, noise: Double = 0.03, _ shape: (Int) -> Double) -> [Sample] {
    (0..<count).map { index in
        Sample(
            time: minutes(Double(index)), value: shape(index) * (1 + noise * SplitMix64.jitter(seed: 42, index: index)))
    }
}

struct BaselineTests {
    @Test func medianAndMAD() throws {
        let baseline = try #require(Baseline(values: [1, 2, 3, 4, 100]))
        #expect(baseline.median == 3)
        #expect(baseline.mad == 1)
        #expect(abs(baseline.robustZ(of: 3 + 1.4826 * 2) - 2) < 1e-9)
        #expect(Baseline(values: []) == nil)
    }

    @Test func flatBaselineDoesNotDivideByZero() throws {
        let baseline = try #require(Baseline(values: [5, 5, 5]))
        #expect(baseline.robustZ(of: 5) == 0)
        #expect(baseline.robustZ(of: 5.5).isFinite)
    }
}

struct OnsetDetectorTests {
    let detector = OnsetDetector()

    @Test func stepChangeIsDatedAtTheStep() throws {
        let samples = series(120) { $0 < 90 ? 0.003 : 0.24 }
        let onset = try #require(
            detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(60), direction: .up))
        #expect(onset.time == minutes(90))
        #expect(detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(60), direction: .down) == nil)
    }

    @Test func downwardStep() throws {
        let samples = series(60, noise: 0) { $0 < 40 ? 1 : 0 }
        let onset = try #require(
            detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(30), direction: .down))
        #expect(onset.index == 40)
    }

    @Test func slowRampIsDatedNearItsStart() throws {
        // 100 until minute 60, then +2 per minute: crosses the 10% band at ~minute 65.
        let samples = series(120, noise: 0.01) { $0 < 60 ? 100 : 100 + 2 * Double($0 - 60) }
        let onset = try #require(
            detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(50), direction: .up))
        #expect(onset.time >= minutes(60) && onset.time <= minutes(66))
    }

    @Test func noiseAloneHasNoOnset() {
        let samples = series(300, noise: 0.1) { _ in 0.42 }
        #expect(
            detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(120), direction: .either) == nil)
    }

    @Test func briefBlipThatRecoversIsNotAnOnset() {
        let samples = series(120) { $0 == 80 || $0 == 81 ? 5 : 1 }
        #expect(detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(60), direction: .up) == nil)
    }

    @Test func blipThenSustainedChangeFindsTheSustainedOne() throws {
        let samples = series(120) { $0 == 70 ? 5 : ($0 >= 100 ? 5 : 1) }
        let onset = try #require(
            detector.onset(in: samples, baselineFrom: minutes(0), baselineTo: minutes(60), direction: .up))
        #expect(onset.index == 100)
    }

    @Test func emptyBaselineWindowGivesNoOnset() {
        let samples = series(10) { _ in 1 }
        #expect(
            detector.onset(in: samples, baselineFrom: minutes(100), baselineTo: minutes(200), direction: .up) == nil)
    }
}

struct SlopeTests {
    @Test func aLineHasItsSlopePerSecond() throws {
        let line = series(6, noise: 0) { 100 + 60 * Double($0) }
        #expect(abs(try #require(SeriesMath.slope(line)) - 1) < 1e-9)
    }

    @Test func tooFewSamplesHaveNoSlope() {
        #expect(SeriesMath.slope([Sample(time: minutes(0), value: 1)]) == nil)
        #expect(SeriesMath.slope([Sample(time: minutes(0), value: 1), Sample(time: minutes(0), value: 2)]) == nil)
    }
}
