import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// "An outside cause halves saturation" counts only causes that reach the saturated entity: something it depends
/// on (however many hops), or load that flows into it. A caller's deploy or a failure on another branch does not.
struct ReachingCauseTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let saturated = EntityRef(kind: "service", id: "thumbs")
    let store = EntityRef(kind: "resource", id: "store")
    let disk = EntityRef(kind: "resource", id: "disk")
    let caller = EntityRef(kind: "service", id: "gallery")
    let vendor = EntityRef(kind: "resource", id: "vendor")

    /// gallery -> thumbs -> store -> disk; gallery -> vendor.
    func settled(_ cause: Hypothesis) async throws -> Hypothesis? {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: disk), Entity(ref: vendor), Entity(ref: store, relations: ["dependsOn": [disk]]),
                Entity(ref: saturated, relations: ["dependsOn": [store]]),
                Entity(ref: caller, relations: ["dependsOn": [saturated, vendor]]),
            ], at: t0.addingTimeInterval(-86_400))
        let investigator = Investigator(lake: lake, metrics: MetricStore())
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0, firstOnset: t0, alerting: [saturated, caller], alerts: [])
        let context = await InvestigationContext.build(
            facts: facts, lake: lake, metrics: MetricStore(), playbook: .standard,
            analyzer: SignalAnalyzer(playbook: .standard))
        let saturation = Hypothesis(kind: .saturation, entity: saturated, score: 0.76, summary: "memory", evidence: [])
        return investigator.settleSaturation([saturation, cause], context: context).first { $0.kind == .saturation }
    }

    func cause(_ kind: RootCauseKind, _ entity: EntityRef) -> Hypothesis {
        Hypothesis(kind: kind, entity: entity, score: 0.8, summary: "\(kind.rawValue) \(entity)", evidence: [])
    }

    @Test func aCauseItDependsOnThroughHopsHalvesIt() async throws {
        #expect(try await settled(cause(.infrastructure, disk))?.score == 0.38)
        #expect(try await settled(cause(.configChange, saturated))?.score == 0.38)
    }

    @Test func aCauseThatNeverReachesItLeavesItWhole() async throws {
        #expect(try await settled(cause(.deployment, caller))?.score == 0.76)
        #expect(try await settled(cause(.dependency, vendor))?.score == 0.76)
    }

    @Test func loadThatFlowsIntoItReachesIt() async throws {
        var spike = cause(.trafficSpike, EntityRef(kind: "customer", id: "big"))
        spike.loaded = Hypothesis.Loaded(entity: caller, onset: t0, ratio: 4)
        #expect(try await settled(spike)?.score == 0.38)
    }
}
