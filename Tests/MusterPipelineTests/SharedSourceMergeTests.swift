import Foundation
import MusterInvestigation
import MusterModel
import Testing

@testable import MusterPipeline

/// Open incidents whose confident root cause is a spike from the same customer are one incident.
struct SharedSourceMergeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let rule = SharedSourceMerge(window: 3600)

    func candidate(_ number: Int, at minutes: Double, _ kind: RootCauseKind?, _ entity: String = "customer:helix")
        -> SharedSourceMerge.Candidate
    {
        let cause = kind.map { Hypothesis(kind: $0, entity: EntityRef(entity)!, score: 0.9, summary: "", evidence: []) }
        return .init(id: IncidentID(number), firstOnset: t0.addingTimeInterval(minutes * 60), rootCause: cause)
    }

    @Test func theSameCustomerSpikeFindsTheEarlierIncident() {
        let later = candidate(3, at: 7, .trafficSpike)
        let partner = rule.partner(
            of: later, among: [candidate(2, at: 0, .trafficSpike), candidate(1, at: 1, .trafficSpike), later])
        #expect(partner?.id == IncidentID(1))
    }

    @Test(arguments: [
        (RootCauseKind?.some(.trafficSpike), "customer:other", 0.0),  // another customer
        (.some(.trafficSpike), "service:api", 0.0),  // a service's own load names no tenant
        (.some(.dependency), "customer:helix", 0.0),  // not a spike
        (nil, "customer:helix", 0.0),  // no confident root cause there
        (.some(.trafficSpike), "customer:helix", 120.0),  // two hours apart
    ])
    func noPartner(kind: RootCauseKind?, entity: String, minutes: Double) {
        let this = candidate(2, at: 7, .trafficSpike)
        #expect(rule.partner(of: this, among: [candidate(1, at: minutes, kind, entity), this]) == nil)
    }
}
