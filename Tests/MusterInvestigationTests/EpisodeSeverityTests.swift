import Foundation
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Which fault dates an entity's trouble: the episode still going, and the step that made it severe, not a finished
/// blip on another signal or a mild creep long before the alerts.
struct EpisodeSeverityTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    /// A p99 that crept 1.4x after a deploy and then stepped 18x inside the same run is dated from the step;
    /// a run that was severe from its start, or a short lead-in (a ramp), keeps its first sample.
    @Test(arguments: [(-83, 0.30, -3), (-83, 4.1, -83), (-8, 0.30, -8)])
    func aMuchLargerStepAfterAMildCreepDatesTheRun(creepFrom: Int, creepLevel: Double, onset: Int) throws {
        let series = (-180...4).map { minute in
            let jitter = 1 + 0.01 * Double(abs(minute * 7919) % 5 - 2)
            let value = minute >= -3 ? 4.1 : (minute >= creepFrom ? creepLevel : 0.22)
            return Sample(time: t0.addingTimeInterval(Double(minute) * 60), value: value * jitter)
        }
        let spec = SignalSpec(name: "latency", type: .latency, metric: "latency")
        let assessment = try #require(SignalAnalyzer().assess(series, signal: spec, entity: api, reference: t0))
        #expect(assessment.onset == t0.addingTimeInterval(Double(onset) * 60))
        #expect((assessment.creptSince != nil) == (onset != creepFrom))
        #expect(assessment.summary.contains("mild creep") == (onset != creepFrom))
    }
}
