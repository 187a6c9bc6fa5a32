import Foundation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterInvestigation

/// Load as the symptom and as the cause: an ingest-rate alert, a deploy that a later spike only happened to follow,
/// a database without a load signal overloaded through a caller, a producer total diluted under 2x.
struct LoadAsCauseTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let team = EntityRef(kind: "team", id: "t")
    let customer = EntityRef(kind: "customer", id: "harlow")
    let org = EntityRef(kind: "org", id: "o-harlow")

    /// The team, the customer and its org, plus `entities`.
    func lake(_ entities: [Entity]) throws -> ContextLake {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: team), Entity(ref: customer), Entity(ref: org, relations: ["belongsTo": [customer]])]
                + entities, at: t0.addingTimeInterval(-86_400))
        return lake
    }

    func entity(_ ref: EntityRef, _ signals: [JSONValue], dependsOn: [EntityRef] = []) -> Entity {
        var relations: [String: [EntityRef]] = ["ownedBy": [team]]
        if !dependsOn.isEmpty { relations["dependsOn"] = dependsOn }
        return Entity(ref: ref, properties: ["signals": .array(signals)], relations: relations)
    }

    /// Appends a gauge sampled each minute from -240m to +3m: `value(minute)` with a little jitter.
    func series(
        _ store: MetricStore, _ name: String, labels: [String: String] = [:], _ value: (Int) -> Double
    ) {
        for minute in -240...3 {
            let jitter = 1 + 0.02 * Double((minute * 7919) % 5 - 2)
            store.append(
                name, labels: labels, time: t0.addingTimeInterval(Double(minute) * 60), value: value(minute) * jitter,
                kind: .gauge)
        }
    }

    func investigate(_ lake: ContextLake, _ store: MetricStore, alerting: [EntityRef]) async -> Verdict {
        await investigateAlerts(lake, store, alerting: alerting, start: t0, now: t0.addingTimeInterval(120))
    }

    /// An ingest-rate alert whose errors and latency stay flat: its own load rise, traced to one customer, is its
    /// symptom, so the alert is not quiet and the spike is not marked down as explaining nothing.
    @Test func anAlertOnItsOwnLoadIsNotQuiet() async throws {
        let api = EntityRef(kind: "service", id: "events-api")
        let lake = try lake([
            entity(api, [signalItem("requests", .load, breakdown: "org"), signalItem("errors", .errors)])
        ])
        let store = MetricStore()
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -5 ? 200 : 20 }
        series(store, "requests", labels: ["org": "o-other"]) { _ in 40 }
        series(store, "errors") { _ in 0.002 }
        let verdict = await investigate(lake, store, alerting: [api])
        #expect(verdict.rootCause?.kind == .trafficSpike)
        #expect(verdict.rootCause?.entity == customer)
        #expect(verdict.customers == [customer])
        #expect(!(verdict.rootCause?.evidence.contains { $0.text.contains("no symptom there") } ?? true))
    }

    /// A per-tenant alert on a publisher whose total stays under the test (a steady large tenant) while the tenant it
    /// names rose 2.8x on its own (retries into a broker that failed first): that rise is a symptom, so the alert
    /// is not quiet and the broker is not marked down as explaining nothing. A tenant that stayed flat is quiet.
    @Test(arguments: [(170.0, false), (60.0, true)])
    func aTenantsOwnRiseMakesItsAlertNoQuietOne(tenantNow: Double, quiet: Bool) async throws {
        let api = EntityRef(kind: "service", id: "event-api")
        let broker = EntityRef(kind: "resource", id: "broker")
        let lake = try lake([
            entity(broker, [signalItem("urp", .errors)]),
            entity(api, [signalItem("published", .load, breakdown: "org")], dependsOn: [broker]),
        ])
        let store = MetricStore()
        series(store, "published", labels: ["org": "o-harlow"]) { $0 >= -2 ? tenantNow : 60 }
        series(store, "published", labels: ["org": "o-whale"]) { _ in 900 }
        series(store, "urp") { $0 >= -5 ? 0.42 : 0.001 }
        let alert = Alert(
            source: .generic, sourceID: "publish", dedupKey: "publish", status: .firing, title: "o-harlow publish slow",
            severity: .warning, labels: ["service": api.id, "org": "o-harlow"], startedAt: t0, receivedAt: t0)
        #expect(lake.entity(forAlert: alert, asOf: nil) == api)
        let facts = IncidentFacts(
            id: IncidentID(1), now: t0.addingTimeInterval(120), firstOnset: t0, alerting: [api], alerts: [alert])
        let verdict = await Investigator(lake: lake, metrics: store, playbook: .standard).investigate(facts)
        let hypothesis = verdict.hypotheses.first { $0.entity == broker }
        #expect(hypothesis != nil)
        #expect((hypothesis?.evidence.contains { $0.text.contains("no symptom there") } ?? false) == quiet)
    }

    /// A service deployed at `deployedAt` minutes, then loaded by one org from -4m and failing from -3m. Eight
    /// calm minutes at unchanged load after the deploy make the spike the trigger; a deploy a minute before the
    /// load rose keeps the lead (it may have made the load).
    @Test(arguments: [(-12, true), (-5, false)])
    func aDeployFollowedByCalmThenASpikeYieldsToTheSpike(deployedAt: Int, spikeWins: Bool) async throws {
        let api = EntityRef(kind: "service", id: "quote-api")
        let lake = try lake([
            entity(api, [signalItem("requests", .load, breakdown: "org"), signalItem("latency", .latency)])
        ])
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(Double(deployedAt) * 60), version: "7.4"))
        let store = MetricStore()
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -4 ? 130 : 15 }
        series(store, "requests", labels: ["org": "o-other"]) { _ in 45 }
        series(store, "latency") { $0 >= -3 ? 2.8 : 0.12 }
        let verdict = await investigate(lake, store, alerting: [api])
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == api })
        let triggered = deploy.evidence.contains { $0.isAgainst && $0.text.contains("the spike triggered them") }
        #expect(triggered == spikeWins)
        #expect(verdict.rootCause?.kind == (spikeWins ? .trafficSpike : .deployment))
        if spikeWins { #expect(verdict.rootCause?.entity == customer) }
    }

    /// The same as above with the deploy 12 minutes before the spike, but the org ran the same burst two hours
    /// earlier (before the deploy) with latency flat: the old version absorbed it, so the deploy took the headroom
    /// away and keeps the lead; a burst whose latency rose then too was never absorbed, and the spike triggers.
    @Test(arguments: [(0.12, true), (1.5, false)])
    func aDeployKeepsTheLeadWhenTheSameSpikeWasAbsorbedBeforeIt(earlierLatency: Double, deployWins: Bool)
        async throws
    {
        let api = EntityRef(kind: "service", id: "quote-api")
        let lake = try lake([
            entity(api, [signalItem("requests", .load, breakdown: "org"), signalItem("latency", .latency)])
        ])
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-12 * 60), version: "7.4"))
        let store = MetricStore()
        let earlier = -130 ... -115
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -4 || earlier.contains($0) ? 130 : 15 }
        series(store, "requests", labels: ["org": "o-other"]) { _ in 45 }
        series(store, "latency") { $0 >= -3 ? 2.8 : earlier.contains($0) ? earlierLatency : 0.12 }
        let verdict = await investigate(lake, store, alerting: [api])
        let deploy = try #require(verdict.hypotheses.first { $0.kind == .deployment && $0.entity == api })
        #expect(deploy.evidence.contains { !$0.isAgainst && $0.text.contains("took the headroom away") } == deployWins)
        #expect(verdict.rootCause?.kind == (deployWins ? .deployment : .trafficSpike))
    }

    /// A database that measures no load of its own fails a minute after one tenant's requests through a caller
    /// (not alerting) rose twentyfold: it is overloaded by that tenant, not broken, and no failover is proposed.
    @Test func aDatabaseWithoutALoadSignalIsOverloadedThroughItsCaller() async throws {
        let db = EntityRef(kind: "resource", id: "pg")
        let reports = EntityRef(kind: "service", id: "reports-api")
        let invoices = EntityRef(kind: "service", id: "invoices-api")
        var database = entity(db, [signalItem("cpu", .saturation), signalItem("db-latency", .latency)])
        database.properties["actions"] = .array([.string("failover")])
        let lake = try lake([
            database,
            entity(reports, [signalItem("requests", .load, breakdown: "org")], dependsOn: [db]),
            entity(invoices, [signalItem("errors", .errors)], dependsOn: [db]),
        ])
        let store = MetricStore()
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -8 ? 40 : 2 }
        series(store, "requests", labels: ["org": "o-other"]) { _ in 10 }
        series(store, "cpu") { $0 >= -7 ? 0.98 : 0.35 }
        series(store, "db-latency") { $0 >= -7 ? 2 : 0.01 }
        series(store, "errors") { $0 >= -4 ? 0.3 : 0.002 }
        let verdict = await investigate(lake, store, alerting: [invoices])
        #expect(verdict.rootCause?.kind == .trafficSpike)
        #expect(verdict.rootCause?.entity == customer)
        #expect(!verdict.actions.contains { $0.action == "failover" })
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
        #expect(dependency.evidence.contains { $0.isAgainst && $0.text.contains("measures no load of its own") })
    }

    /// A database that measures no load of its own goes down two minutes before one tenant's SDK retries the refused
    /// calls fivefold through a caller: the rise came after the failure, so it is no overload, and the database
    /// stays the cause (a failover is proposed).
    @Test func aCallerLoadThatRoseAfterTheDependencyFailedIsRetriesNotOverload() async throws {
        let db = EntityRef(kind: "resource", id: "pg")
        let claims = EntityRef(kind: "service", id: "claims-api")
        var database = entity(db, [signalItem("up", .health)])
        database.properties["actions"] = .array([.string("failover")])
        let lake = try lake([
            database,
            entity(
                claims, [signalItem("requests", .load, breakdown: "org"), signalItem("errors", .errors)],
                dependsOn: [db]),
        ])
        let store = MetricStore()
        series(store, "up") { $0 >= -7 ? 0 : 1 }
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -5 ? 150 : 30 }
        series(store, "requests", labels: ["org": "o-other"]) { $0 >= -5 ? 66 : 60 }
        series(store, "errors") { $0 >= -7 ? 0.6 : 0.002 }
        let verdict = await investigate(lake, store, alerting: [claims])
        #expect(verdict.rootCause?.kind == .dependency)
        #expect(verdict.rootCause?.entity == db)
        let dependency = try #require(verdict.hypotheses.first { $0.kind == .dependency && $0.entity == db })
        #expect(!dependency.evidence.contains { $0.text.contains("measures no load of its own") })
    }

    /// A caller whose own queries (no breakdown: it is the source itself) tripled a minute after its deploy, and
    /// the database failed a minute later: the deploy is the cause, not the database it overloaded.
    @Test func aCallerDeployedJustBeforeItsOwnLoadRoseIsTheCause() async throws {
        let db = EntityRef(kind: "resource", id: "pg")
        let reports = EntityRef(kind: "service", id: "report-api")
        let billing = EntityRef(kind: "service", id: "billing-api")
        let lake = try lake([
            entity(db, [signalItem("cpu", .saturation)]),
            entity(reports, [signalItem("queries", .load)], dependsOn: [db]),
            entity(billing, [signalItem("errors", .errors)], dependsOn: [db]),
        ])
        try lake.record(Deployment(target: reports, at: t0.addingTimeInterval(-600), version: "5.0"))
        let store = MetricStore()
        series(store, "queries") { $0 >= -8 ? 670 : 200 }
        series(store, "cpu") { $0 >= -7 ? 0.99 : 0.4 }
        series(store, "errors") { $0 >= -4 ? 0.3 : 0.002 }
        let verdict = await investigate(lake, store, alerting: [billing])
        #expect(verdict.rootCause?.kind == .deployment)
        #expect(verdict.rootCause?.entity == reports)
        #expect(verdict.actions.contains { $0.action == "rollback" && $0.target == reports })
        // The deploy judged by the readers' timing as well (the database failed first) is the same hypothesis:
        // only its better-supported reading is listed.
        #expect(verdict.hypotheses.filter { $0.kind == .deployment && $0.entity == reports }.count == 1)
    }

    /// An upstream's own load is what its callers send it: deployed just before it rose, it is not thereby the
    /// source of that load (only a client beside the alerting entities is).
    @Test func anUpstreamsOwnLoadDoesNotMakeItsDeployTheSource() async throws {
        let api = EntityRef(kind: "service", id: "api")
        let web = EntityRef(kind: "service", id: "web")
        let lake = try lake([
            entity(api, [signalItem("requests", .load), signalItem("latency", .latency)]),
            entity(web, [signalItem("errors", .errors)], dependsOn: [api]),
        ])
        try lake.record(Deployment(target: api, at: t0.addingTimeInterval(-600), version: "2.0"))
        let store = MetricStore()
        series(store, "requests") { $0 >= -8 ? 600 : 200 }
        series(store, "latency") { _ in 0.1 }
        series(store, "errors") { $0 >= -4 ? 0.3 : 0.002 }
        let verdict = await investigate(lake, store, alerting: [web])
        #expect(!verdict.hypotheses.contains { $0.summary.contains("the load it sends rose") })
    }

    /// A producer counting only its total (1.67x: a steady large customer dilutes it) behind a gateway that counts
    /// requests per org, one of which rose 25x: the gateway's breakdown names the source.
    @Test func aDilutedTotalWithoutABreakdownIsSplitByTheGatewayInFront() async throws {
        let ingest = EntityRef(kind: "service", id: "telemetry-ingest")
        let gateway = EntityRef(kind: "service", id: "api-gateway")
        let lake = try lake([
            entity(ingest, [signalItem("ingest-requests", .load), signalItem("cpu", .saturation)]),
            entity(gateway, [signalItem("requests", .load, breakdown: "org")], dependsOn: [ingest]),
        ])
        let store = MetricStore()
        series(store, "requests", labels: ["org": "o-harlow"]) { $0 >= -6 ? 250 : 10 }
        series(store, "requests", labels: ["org": "o-whale"]) { _ in 350 }
        series(store, "ingest-requests") { $0 >= -6 ? 600 : 360 }
        series(store, "cpu") { $0 >= -5 ? 0.97 : 0.52 }
        let verdict = await investigate(lake, store, alerting: [ingest])
        #expect(verdict.rootCause?.kind == .trafficSpike)
        #expect(verdict.rootCause?.entity == customer)
        #expect(
            verdict.rootCause?.evidence.contains { $0.text.contains("service:api-gateway's org=o-harlow alone rose") }
                == true)
    }
}
