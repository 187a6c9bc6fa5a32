import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// Every kind of join reason, and the dedup paths not covered elsewhere.
struct JoinReasonTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func ref(_ text: String) -> EntityRef { EntityRef(text)! }

    /// front -> api -> db; batch (unrelated, own upstream queue).
    func lake() throws -> ContextLake {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: ref("resource:db")), Entity(ref: ref("resource:queue")),
                Entity(ref: ref("service:api"), relations: ["dependsOn": [ref("resource:db")]]),
                Entity(ref: ref("service:front"), relations: ["dependsOn": [ref("service:api")]]),
                Entity(ref: ref("service:batch"), relations: ["dependsOn": [ref("resource:queue")]]),
            ], at: t0.addingTimeInterval(-86_400))
        return lake
    }

    func arrival(
        _ key: String, _ entity: String, at offset: TimeInterval = 0, source: AlertSource = .alertmanager,
        title: String? = nil, labels: [String: String] = [:], trouble: [EntityRef: Trouble] = [:]
    ) -> AlertArrival {
        var allLabels = labels
        allLabels["alertname"] = allLabels["alertname"] ?? key
        let alert = Alert(
            source: source, sourceID: key, dedupKey: key, status: .firing, title: title ?? key, severity: .critical,
            labels: allLabels, startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(alert: alert, entity: ref(entity), eventID: "\(key)@\(Int(offset))", trouble: trouble)
    }

    @Test func aDependentOfAnAlertingEntityJoins() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("api-down", "service:api"))
        let decision = correlator.ingest(arrival("front-errors", "service:front", at: 60))
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("service:front depends on alerting service:api (1 hop)") == true)
    }

    /// A notice (severity info) on a signal-less upstream reports no failure: a failing caller does not join it,
    /// in either order; a page on the same upstream does.
    @Test(arguments: [(Severity.info, true), (.info, false), (.critical, true)])
    func aNoticeOnAnUpstreamDoesNotCarryACaller(severity: Severity, noticeFirst: Bool) throws {
        var correlator = Correlator(lake: try lake())
        var notice = arrival("cert-expiry", "service:api", at: noticeFirst ? 0 : 60)
        notice.alert.severity = severity
        let caller = arrival(
            "front-errors", "service:front", at: noticeFirst ? 60 : 0,
            trouble: [ref("service:front"): .anomalous("errors 0.001 -> 0.2")])
        let decisions = (noticeFirst ? [notice, caller] : [caller, notice]).map { correlator.ingest($0) }
        #expect(decisions[1].outcome == (severity == .info ? .opened : .joined))
    }

    /// The caller of two resources was well for 9 minutes of one's failure and broke a minute after the other's
    /// began: it sides with the later one. With the other resource healthy, the shared one explains it.
    @Test(arguments: [(true, CorrelationDecision.Outcome.opened), (false, .joined)])
    func aCallerThatRodeOutOneFailureSidesWithTheLater(laterFailed: Bool, outcome: CorrelationDecision.Outcome)
        throws
    {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: ref("resource:index")), Entity(ref: ref("resource:listings")),
                Entity(ref: ref("service:search"), relations: ["dependsOn": [ref("resource:index")]]),
                Entity(
                    ref: ref("service:listing"),
                    relations: ["dependsOn": [ref("resource:index"), ref("resource:listings")]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        let index: Trouble = .anomalous("query latency 0.08 -> 6.9")
        var search = arrival(
            "search-5xx", "service:search", at: -540,
            trouble: [ref("service:search"): .anomalous("errors"), ref("resource:index"): index])
        search.onsets = [
            ref("service:search"): t0.addingTimeInterval(-660), ref("resource:index"): t0.addingTimeInterval(-720),
        ]
        _ = correlator.ingest(search)
        var listing = arrival(
            "listing-5xx", "service:listing",
            trouble: [
                ref("service:listing"): .anomalous("errors"), ref("resource:index"): index,
                ref("resource:listings"): laterFailed ? .anomalous("io wait 0.03 -> 0.92") : .healthy,
            ])
        listing.onsets = [
            ref("service:listing"): t0.addingTimeInterval(-180), ref("resource:index"): t0.addingTimeInterval(-720),
        ]
        if laterFailed { listing.onsets[ref("resource:listings")] = t0.addingTimeInterval(-240) }
        #expect(correlator.ingest(listing).outcome == outcome)
    }

    /// A caller four hops above a failing database joins its direct caller's incident when the probe followed
    /// the chain of failing hops past the depth; without that, the database is out of reach.
    @Test(arguments: [true, false])
    func aFailingChainPastTheDepthCarriesTheJoin(probedDeeper: Bool) throws {
        let chain = ["reader", "x", "y", "z"].map { ref("service:\($0)") } + [ref("resource:db")]
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: chain[4]), Entity(ref: ref("service:admin"), relations: ["dependsOn": [chain[4]]])]
                + (0..<4).map { Entity(ref: chain[$0], relations: ["dependsOn": [chain[$0 + 1]]]) },
            at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        let dbTrouble: Trouble = .anomalous("query latency 0.006 -> 3")
        var admin = arrival(
            "admin-5xx", "service:admin", trouble: [ref("service:admin"): .anomalous("errors"), chain[4]: dbTrouble])
        admin.onsets = [ref("service:admin"): t0.addingTimeInterval(-240), chain[4]: t0.addingTimeInterval(-300)]
        _ = correlator.ingest(admin)
        var reader = arrival("reader-5xx", "service:reader", at: 60)
        for (index, hop) in chain.enumerated() where index < 4 {
            reader.trouble[hop] = .anomalous("errors")
            reader.onsets[hop] = t0.addingTimeInterval(Double(-240 + 30 * (3 - index)))
        }
        if probedDeeper {
            reader.trouble[chain[4]] = dbTrouble
            reader.onsets[chain[4]] = t0.addingTimeInterval(-300)
            reader.deeper = [GraphHit(ref: chain[4], distance: 4, path: chain)]
        }
        let decision = correlator.ingest(reader)
        #expect(decision.outcome == (probedDeeper ? .joined : .opened))
        if probedDeeper { #expect(decision.reasons.first?.contains("shares resource:db (4 hops)") == true) }
    }

    /// An alert that fires again 12 minutes after its incident resolved, on trouble that began after that: with
    /// the old cause well, a new occurrence (a new incident); with the old cause failing again, the incident
    /// reopens.
    @Test(arguments: [(false, CorrelationDecision.Outcome.opened), (true, .reopened)])
    func aRefireOnNewTroubleIsANewOccurrence(oldCauseFailsAgain: Bool, outcome: CorrelationDecision.Outcome) throws {
        var correlator = Correlator(lake: try lake())
        var first = arrival("api-5xx", "service:api", trouble: [ref("resource:db"): .anomalous("latency")])
        first.onsets = [
            ref("service:api"): t0.addingTimeInterval(-60), ref("resource:db"): t0.addingTimeInterval(-120),
        ]
        first.ongoing = [ref("service:api"), ref("resource:db")]
        _ = correlator.ingest(first)
        var resolved = arrival("api-5xx", "service:api", at: 600)
        resolved.alert.status = .resolved
        _ = correlator.ingest(resolved)
        var again = arrival("api-5xx", "service:api", at: 1320, trouble: [ref("service:api"): .anomalous("errors")])
        again.onsets = [ref("service:api"): t0.addingTimeInterval(1200)]
        again.ongoing = [ref("service:api")]
        if oldCauseFailsAgain {
            again.trouble[ref("resource:db")] = .anomalous("latency")
            again.ongoing.insert(ref("resource:db"))
        }
        #expect(correlator.ingest(again).outcome == outcome)
    }

    /// An incident merged into another in PagerDuty stays open (acknowledged) and resolves with the one it was
    /// merged into.
    @Test func aMergedPagerDutyIncidentResolvesWithItsTarget() throws {
        var correlator = Correlator(lake: try lake())
        var page = arrival("api-page", "service:api", source: .pagerduty)
        page.alert.sourceID = "QAPI"
        let opened = correlator.ingest(page)
        var merged = page
        merged.alert.status = .acknowledged
        merged.alert.hints[AlertHint.pagerDutyMergedInto] = "QMAJOR"
        _ = correlator.ingest(merged)
        #expect(correlator.incidents[opened.incident]?.status == .open)
        var major = arrival("major", "service:batch", at: 600, source: .pagerduty)
        major.alert.sourceID = "QMAJOR"
        major.alert.status = .resolved
        _ = correlator.ingest(major)
        #expect(correlator.incidents[opened.incident]?.status == .resolved)
    }

    /// An alert first seen before the catalog knew its service opened an unmapped incident; when it comes again
    /// mapped, it is correlated afresh and its unmapped incident follows it.
    @Test func anAlertThatMapsNowLeavesItsUnmappedIncident() throws {
        var correlator = Correlator(lake: try lake())
        let first = AlertArrival(alert: arrival("front-5xx", "service:front").alert, entity: nil, eventID: "first")
        let unmapped = correlator.ingest(first)
        let api = correlator.ingest(arrival("api-down", "service:api", at: 30))
        #expect(unmapped.incident != api.incident)
        let again = correlator.ingest(arrival("front-5xx", "service:front", at: 60))
        #expect(again.outcome == .joined && again.incident == api.incident)
        #expect(again.merged == [unmapped.incident])
        #expect(correlator.incidents[unmapped.incident]?.status == .merged)
    }

    @Test func anUpstreamOfAnAlertingEntityJoins() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("front-errors", "service:front"))
        let decision = correlator.ingest(arrival("api-down", "service:api", at: 60))
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("alerting service:front depends on service:api (1 hop)") == true)
    }

    @Test func aSharedTenantLabelJoins() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("quota", "service:api", labels: ["org": "acme"]))
        let decision = correlator.ingest(arrival("slow-batch", "service:batch", at: 30, labels: ["org": "acme"]))
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("same tenant label org=acme") == true)
    }

    /// A per-tenant SLO rule labels its pages with the biggest tenant whatever broke: on an entity whose load is
    /// steady the shared label is not a shared cause; where the load moved, the tenant may be the cause. That holds
    /// on both sides: a tenant whose traffic moved on the arriving entity does not tie it to an incident where the
    /// same tenant's page came from an entity with steady load (a deploy felt by the biggest tenant first).
    @Test(arguments: [
        (false, true, CorrelationDecision.Outcome.opened), (true, true, .joined), (true, false, .opened),
        (false, false, .opened),
    ])
    func aSharedTenantLabelJoinsOnlyWhereTheLoadMoved(
        loadMoved: Bool, incidentLoadMoved: Bool, outcome: CorrelationDecision.Outcome
    ) throws {
        var correlator = Correlator(lake: try lake())
        let failing: [EntityRef: Trouble] = [ref("service:api"): .anomalous("errors 0.002 -> 0.2")]
        var api = arrival("slo-api", "service:api", labels: ["org": "acme"], trouble: failing)
        api.isLoadShifted = incidentLoadMoved
        _ = correlator.ingest(api)
        var batch = arrival(
            "slo-batch", "service:batch", at: 60, labels: ["org": "acme"],
            trouble: [ref("service:batch"): .anomalous("errors 0.003 -> 0.3")])
        batch.isLoadShifted = loadMoved
        let decision = correlator.ingest(batch)
        #expect(decision.outcome == outcome)
    }

    /// A tenant whose own traffic rose in the breakdown of the arriving entity's load, while a large steady tenant
    /// kept the total under the load test, moved that load: the label ties it to the tenant's incident. Another
    /// tenant's breakdown moving does not.
    @Test(arguments: [("org=acme", CorrelationDecision.Outcome.joined), ("org=other", .opened)])
    func aTenantsOwnLoadMovingInTheBreakdownCounts(moved: String, outcome: CorrelationDecision.Outcome) throws {
        var correlator = Correlator(lake: try lake())
        var api = arrival(
            "slo-api", "service:api", labels: ["org": "acme"],
            trouble: [ref("service:api"): .anomalous("errors 0.002 -> 0.2")])
        api.isLoadShifted = true
        _ = correlator.ingest(api)
        var batch = arrival(
            "slo-batch", "service:batch", at: 60, labels: ["org": "acme"],
            trouble: [ref("service:batch"): .anomalous("lag 500 -> 9000")])
        batch.tenantLoadMoved = [moved]
        let decision = correlator.ingest(batch)
        #expect(decision.outcome == outcome)
        if outcome == .joined {
            #expect(decision.reasons.first?.contains("org=acme's own load on service:batch moved") == true)
        }
    }

    /// When the incident's side was never checked (no signals), the tenant label keeps its weight.
    @Test func aSharedTenantLabelJoinsAnIncidentWhoseLoadWasNotChecked() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("slo-api", "service:api", labels: ["org": "acme"]))
        var batch = arrival(
            "slo-batch", "service:batch", at: 60, labels: ["org": "acme"],
            trouble: [ref("service:batch"): .anomalous("errors 0.003 -> 0.3")])
        batch.isLoadShifted = true
        #expect(correlator.ingest(batch).outcome == .joined)
    }

    @Test func topologyAloneDoesNotJoinAlertsAnHourApart() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("api-down", "service:api"))
        let decision = correlator.ingest(arrival("front-errors", "service:front", at: 2 * 3600))
        #expect(decision.outcome == .opened)
    }

    @Test func anAlertExplainedByItsOwnFailingUpstreamStaysOut() throws {
        var correlator = Correlator(lake: try lake())
        // batch and api are unrelated except by time; batch's queue is failing.
        _ = correlator.ingest(arrival("api-down", "service:api"))
        let decision = correlator.ingest(
            arrival(
                "batch-lag", "service:batch", at: 30, trouble: [ref("resource:queue"): .anomalous("depth 10 -> 90k")]))
        #expect(decision.outcome == .opened)
    }

    @Test func thePagerDutyCopyOfAnAlertmanagerAlertIsTheSameAlert() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("KafkaLagHigh", "service:api"))
        let paged = correlator.ingest(
            arrival("pd-key-unrelated", "service:api", at: 90, source: .pagerduty, title: "[FIRING:1] KafkaLagHigh api")
        )
        #expect(paged.outcome == .updated)
        #expect(correlator.alerts.count == 1)
    }

    @Test func aGenericAlertUpdatedByIdIsOneAlert() throws {
        var correlator = Correlator(lake: try lake())
        _ = correlator.ingest(arrival("generic-1", "service:batch", source: .generic))
        var resolved = arrival("generic-1", "service:batch", at: 300, source: .generic)
        resolved.alert.status = .resolved
        let decision = correlator.ingest(resolved)
        #expect(decision.outcome == .updated)
        #expect(correlator.visibleIncidents.first?.status == .resolved)
    }

    @Test func resolvedIncidentsAreForgottenWhenAskedToBoundMemory() throws {
        var policy = CorrelationPolicy()
        policy.forgetResolvedAfter = 600
        var correlator = Correlator(lake: try lake(), policy: policy)
        _ = correlator.ingest(arrival("a", "service:batch"))
        var resolved = arrival("a", "service:batch", at: 60)
        resolved.alert.status = .resolved
        _ = correlator.ingest(resolved)
        _ = correlator.ingest(arrival("b", "service:api", at: 3600))
        #expect(correlator.visibleIncidents.map(\.id) == [IncidentID(2)])
        #expect(correlator.alerts["a"] == nil)
    }
}
