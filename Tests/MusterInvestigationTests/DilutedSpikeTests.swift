import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// A source that spiked on its own behind a total that a large steady source keeps under the spike ratio.
struct DilutedSpikeTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let worker = EntityRef(kind: "service", id: "worker")
    let customer = EntityRef(kind: "customer", id: "quill")

    /// Requests broken down by `org` (keys `o-small`, `o-whale`), or by customer id (keys `quill`, `whale`).
    /// `swing`: the whale's minute-to-minute burstiness, as a fraction of its level (alternating up and down).
    func world(small: Double, whale: Double, byCustomer: Bool = false, swing: Double = 0) throws -> (
        ContextLake, MetricStore
    ) {
        let lake = ContextLake.inMemory()
        let team = EntityRef(kind: "team", id: "t")
        var requests: [String: JSONValue] = [
            "name": .string("requests"), "type": .string("load"), "metric": .string("requests"),
            "breakdown": .string("org"),
        ]
        if byCustomer {
            requests["breakdown"] = .string("account")
            requests["breakdown_kind"] = .string("customer")
        }
        let (label, smallKey, whaleKey) = byCustomer ? ("account", "quill", "whale") : ("org", "o-small", "o-whale")
        let latency: JSONValue = .object([
            "name": .string("latency"), "type": .string("latency"), "metric": .string("latency"),
        ])
        try lake.upsert(
            [
                Entity(ref: team), Entity(ref: customer),
                Entity(ref: EntityRef(kind: "org", id: "o-small"), relations: ["belongsTo": [customer]]),
                Entity(
                    ref: worker, properties: ["signals": .array([.object(requests), latency])],
                    relations: ["ownedBy": [team]]),
            ], at: t0.addingTimeInterval(-86_400))
        let store = MetricStore()
        for minute in -240...3 {
            let time = t0.addingTimeInterval(Double(minute) * 60)
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            let spiking = minute >= -6
            store.append("latency", labels: [:], time: time, value: (spiking ? 2.0 : 0.1) * jitter, kind: .gauge)
            let quill = 5 * (spiking ? small : 1)
            store.append("requests", labels: [label: smallKey], time: time, value: quill * jitter, kind: .gauge)
            let burst = 1 + swing * (minute % 2 == 0 ? 1 : -1) * (minute % 3 == 0 ? 0.6 : 1)
            let big = 150 * (spiking ? whale : 1) * burst
            store.append("requests", labels: [label: whaleKey], time: time, value: big * jitter, kind: .gauge)
        }
        return (lake, store)
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore) async -> Verdict {
        await investigateAlerts(lake, store, alerting: [worker], start: t0, now: t0.addingTimeInterval(120))
    }

    /// 155 -> 255 in all (1.65x) because one small org went 21x while the whale stayed flat: the small org is
    /// the source. A small org that tripled but barely moved the total, or a rise every org shares, names none.
    @Test(arguments: [(21.0, 1.0, true), (3.0, 1.0, false), (1.9, 1.9, false)])
    func aSpikeDilutedByAWhaleStillNamesItsSource(small: Double, whale: Double, isNamed: Bool) async throws {
        let (lake, store) = try world(small: small, whale: whale)
        let verdict = await investigate(lake, store)
        let spike = verdict.hypotheses.first { $0.kind == .trafficSpike && $0.entity == customer }
        #expect((spike != nil) == isNamed)
        guard isNamed else { return }
        #expect(verdict.rootCause?.entity == customer)
        // Sized and timed by the total's measured rise, still going: throttle the source.
        #expect(verdict.rootCause?.load?.isGoing == true)
        #expect(verdict.actions.contains { $0.action == "throttle" && $0.target == customer })
    }

    /// A whale that swings 25% minute to minute hides a small org's clean 11x step from the total's deviation test
    /// (155 -> 205 in all); the step is still the source. The same swings without a step name nobody.
    @Test(arguments: [(11.0, true), (1.0, false)])
    func aBurstyWhaleDoesNotHideASmallSourcesStep(small: Double, isNamed: Bool) async throws {
        let (lake, store) = try world(small: small, whale: 1, swing: 0.25)
        let verdict = await investigate(lake, store)
        let spike = verdict.hypotheses.first { $0.kind == .trafficSpike && $0.entity == customer }
        #expect((spike != nil) == isNamed)
        if isNamed { #expect(verdict.rootCause?.entity == customer) }
    }

    /// A breakdown whose keys are customer ids names the customer itself as the one affected, as an org
    /// breakdown names the customer its org belongs to.
    @Test(arguments: [false, true])
    func theSourceCustomerIsNamedWhateverTheBreakdownKeys(byCustomer: Bool) async throws {
        let (lake, store) = try world(small: 21, whale: 1, byCustomer: byCustomer)
        let verdict = await investigate(lake, store)
        #expect(verdict.rootCause?.entity == customer)
        #expect(verdict.customers == [customer])
    }
}
