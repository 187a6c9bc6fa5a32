import Foundation
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Saturation judged against the resource's own operating point.
struct SignalAnalyzerTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let cache = EntityRef(kind: "resource", id: "cache")

    func samples(_ value: (Int) -> Double) -> [Sample] {
        (-180...10).map { Sample(time: t0.addingTimeInterval(Double($0) * 60), value: value($0)) }
    }

    /// Reaching the exhausted level from below is a fault however little it moved; a resource that runs at
    /// that level all along (an LRU cache kept full by design) is not failing, unless it moves well off it.
    @Test(arguments: [(0.85, 0.93, true), (0.925, 0.93, false), (0.925, 0.925, false), (0.3, 0.35, false)])
    func theExhaustedLevelCountsOnlyWhenReachedFromBelow(before: Double, after: Double, isAnomalous: Bool) {
        let series = samples { $0 >= -5 ? after : before }
        let spec = SignalSpec(name: "memory", type: .saturation, metric: "memory")
        let assessment = SignalAnalyzer().assess(series, signal: spec, entity: cache, reference: t0)
        #expect(assessment?.isAnomalous == isAnomalous)
    }

    /// A baseline that climbs into the exhausted level (a leak over days) is no design operating point.
    @Test func aBaselineClimbingIntoTheExhaustedLevelStillCounts() {
        let series = samples { 0.96 + 0.0002 * Double($0) }
        let spec = SignalSpec(name: "memory", type: .saturation, metric: "memory")
        let assessment = SignalAnalyzer().assess(series, signal: spec, entity: cache, reference: t0)
        #expect(assessment?.isAnomalous == true)
    }

    /// A load that halved when its resource stalled and then more than doubled (retries) is dated from the rise;
    /// a load that only fell keeps the fall.
    @Test(arguments: [(true, -4), (false, -7)])
    func aLoadThatFellThenRoseIsDatedFromTheRise(rises: Bool, onsetMinute: Int) {
        let series = samples { minute in
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let value: Double = minute < -7 ? 310 : (minute < -4 || !rises ? 150 : 720)
            return value * jitter
        }
        let spec = SignalSpec(name: "queries", type: .load, metric: "queries")
        let assessment = SignalAnalyzer().assess(series, signal: spec, entity: cache, reference: t0)
        #expect(assessment?.onset == t0.addingTimeInterval(Double(onsetMinute) * 60))
        #expect(((assessment?.peak ?? 0) > 310) == rises)
    }

    /// A health signal that keeps flipping (never three down samples in a row) is failing since it began to
    /// flip; two isolated blips are not.
    @Test(arguments: [(true, true), (false, false)])
    func aFlappingHealthSignalIsFailingSinceItBeganToFlip(flaps: Bool, isAnomalous: Bool) {
        let pattern = [0.0, 0, 1, 0, 0, 1, 1]
        let series = samples { minute in
            guard minute >= -14 else { return 1 }
            if flaps { return pattern[(minute + 14) % pattern.count] }
            return minute == -10 || minute == 0 ? 0 : 1
        }
        let spec = SignalSpec(name: "ready", type: .health, metric: "ready")
        let assessment = SignalAnalyzer().assess(series, signal: spec, entity: cache, reference: t0)
        #expect(assessment?.isAnomalous == isAnomalous)
        if flaps { #expect(assessment?.onset == t0.addingTimeInterval(-14 * 60)) }
    }

    /// "A -> B since T" is the level at T: a run that kept climbing says its peak with the time it got there.
    @Test func aClimbingRunSaysItsLevelAtTheOnsetAndWhenItPeaked() {
        let series = samples { minute in minute < -10 ? 0.02 : (minute < 0 ? 0.4 : 0.94) }
        let spec = SignalSpec(name: "latency", type: .latency, metric: "p95")
        let summary = SignalAnalyzer().assess(series, signal: spec, entity: cache, reference: t0)?.summary ?? ""
        let onset = Timestamp.clockTime(t0.addingTimeInterval(-600))
        let peak = Timestamp.clockTime(t0)
        #expect(summary == "latency (p95) 0.02 -> 0.4 since \(onset) (reached 0.94 by \(peak))")
    }

    /// A counter's rate over [t - 1m, t] is stamped t, but the increase it measures began at t - 1m: a counter that
    /// starts counting faster at minute -7 has its load risen since -7, not -6.
    @Test func aRateIsDatedFromTheStartOfTheIntervalThatRose() {
        var total = 0.0
        let counter = samples { minute in
            total += minute > -7 ? 700 * 60 : 60 * 60
            return total
        }
        let spec = SignalSpec(name: "events", type: .load, metric: "events", isRate: true)
        let assessment = SignalAnalyzer().assess(
            SeriesMath.rate(counter), signal: spec, entity: cache, reference: t0)
        #expect(assessment?.onset == t0.addingTimeInterval(-7 * 60))
    }
}
