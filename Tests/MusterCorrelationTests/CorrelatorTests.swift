import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A small world: two consumers of one topic, an unrelated service, a cluster everything runs on.
struct CorrelatorTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func ref(_ text: String) -> EntityRef { EntityRef(text)! }

    func lake(services: Int = 0) throws -> ContextLake {
        let lake = ContextLake.inMemory()
        var entities = [
            Entity(ref: ref("team:a")), Entity(ref: ref("team:b")),
            Entity(ref: ref("resource:cluster"), properties: ["type": .string("kubernetes-cluster")]),
            Entity(ref: ref("resource:topic"), relations: ["dependsOn": [ref("resource:cluster")]]),
            Entity(
                ref: ref("service:one"),
                relations: ["ownedBy": [ref("team:a")], "dependsOn": [ref("resource:topic"), ref("resource:cluster")]]),
            Entity(
                ref: ref("service:two"),
                relations: ["ownedBy": [ref("team:b")], "dependsOn": [ref("resource:topic"), ref("resource:cluster")]]),
            Entity(ref: ref("service:lonely"), relations: ["ownedBy": [ref("team:b")]]),
        ]
        for index in 0..<services {
            entities.append(
                Entity(ref: ref("service:filler-\(index)"), relations: ["dependsOn": [ref("resource:cluster")]]))
        }
        try lake.upsert(entities, at: t0.addingTimeInterval(-86_400))
        return lake
    }

    func alert(
        _ key: String, service: String, source: AlertSource = .alertmanager, status: AlertStatus = .firing,
        at offset: TimeInterval, title: String? = nil, id: String? = nil
    ) -> Alert {
        Alert(
            source: source, sourceID: id ?? key, dedupKey: key, status: status, title: title ?? "\(key) on \(service)",
            severity: .critical, labels: ["alertname": key, "service": service],
            startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
    }

    func arrive(
        _ correlator: inout Correlator, _ alert: Alert, _ event: String, trouble: [EntityRef: Trouble] = [:],
        symptoms: Set<SignalType> = []
    ) -> CorrelationDecision {
        let entity = ref("service:\(alert.labels["service"]!)")
        return correlator.ingest(
            AlertArrival(alert: alert, entity: entity, eventID: event, trouble: trouble, symptoms: symptoms))
    }

    @Test func consumersOfOneTopicJoinWithAReason() throws {
        var correlator = Correlator(lake: try lake())
        let trouble: [EntityRef: Trouble] = [ref("resource:cluster"): .healthy, ref("resource:topic"): .unknown]
        let first = arrive(
            &correlator, alert("lag-one", service: "one", at: 0), "e1", trouble: trouble, symptoms: [.lag])
        let second = arrive(
            &correlator, alert("lag-two", service: "two", at: 60), "e2", trouble: trouble, symptoms: [.lag])
        #expect(first.outcome == .opened)
        #expect(second.outcome == .joined)
        #expect(second.incident == first.incident)
        #expect(second.reasons.first?.hasPrefix("joined inc-1: shares resource:topic (1 hop) with service:one") == true)
        #expect(second.reasons.first?.hasSuffix("onset 60 s apart") == true)
    }

    /// A repeat takes the short way only when `ingest` would merely update it, and then decides as `ingest` does.
    @Test func aRepeatOfATrackedAlertIsDecidedWithoutItsProbe() throws {
        let lake = try lake()
        var full = Correlator(lake: lake)
        var short = Correlator(lake: lake)
        #expect(short.ingestRepeat(alert("lag-one", service: "one", at: 0), eventID: "e1") == nil)
        _ = arrive(&full, alert("lag-one", service: "one", at: 0), "e1")
        _ = arrive(&short, alert("lag-one", service: "one", at: 0), "e1")
        let sequence: [(Alert, String)] = [
            (alert("lag-one", service: "one", at: 60), "e2"),
            (alert("lag-one", service: "one", status: .resolved, at: 120), "e3"),
        ]
        for (repeated, event) in sequence {
            let expected = arrive(&full, repeated, event)
            let taken = short.ingestRepeat(repeated, eventID: event)
            #expect(taken?.decision == expected)
            #expect(taken?.entity == ref("service:one"))
        }
        #expect(short.incidents == full.incidents)
        // Firing again after it resolved may be a new occurrence: that needs the probe.
        #expect(short.ingestRepeat(alert("lag-one", service: "one", at: 900), eventID: "e4") == nil)
    }

    @Test func anUnrelatedServiceOpensItsOwnIncident() throws {
        var correlator = Correlator(lake: try lake())
        _ = arrive(&correlator, alert("lag-one", service: "one", at: 0), "e1")
        let other = arrive(&correlator, alert("errors", service: "lonely", at: 30), "e2")
        #expect(other.outcome == .opened)
        #expect(other.incident == IncidentID(2))
    }

    @Test func aSharedHubWithoutTroubleDoesNotJoin() throws {
        // 20 fillers make the cluster a hub; the topic is not shared here: two alerts share only the cluster.
        let lake = try lake(services: 20)
        var correlator = Correlator(lake: lake)
        let healthy: [EntityRef: Trouble] = [ref("resource:cluster"): .healthy]
        _ = correlator.ingest(
            AlertArrival(
                alert: alert("a", service: "filler-1", at: 0), entity: ref("service:filler-1"), eventID: "e1",
                trouble: healthy))
        let second = correlator.ingest(
            AlertArrival(
                alert: alert("b", service: "filler-2", at: 30), entity: ref("service:filler-2"), eventID: "e2",
                trouble: healthy))
        #expect(second.outcome == .opened)
    }

    @Test func aHubInTroubleJoins() throws {
        let lake = try lake(services: 20)
        var correlator = Correlator(lake: lake)
        let bad: [EntityRef: Trouble] = [ref("resource:cluster"): .anomalous("nodes not ready 0 -> 4")]
        _ = correlator.ingest(
            AlertArrival(
                alert: alert("a", service: "filler-1", at: 0), entity: ref("service:filler-1"), eventID: "e1",
                trouble: bad))
        let second = correlator.ingest(
            AlertArrival(
                alert: alert("b", service: "filler-2", at: 30), entity: ref("service:filler-2"), eventID: "e2",
                trouble: bad))
        #expect(second.outcome == .joined)
        #expect(second.reasons.first?.contains("nodes not ready") == true)
    }

    @Test func repeatsAcknowledgementsAndOtherSourcesUpdateOneAlert() throws {
        var correlator = Correlator(lake: try lake())
        _ = arrive(&correlator, alert("fp1", service: "one", at: 0), "am-1")
        let repeated = arrive(&correlator, alert("fp1", service: "one", at: 120), "am-2")
        let paged = arrive(&correlator, alert("fp1", service: "one", source: .pagerduty, at: 180, id: "Q1"), "pd-1")
        let ack = arrive(
            &correlator, alert("fp1", service: "one", source: .pagerduty, status: .acknowledged, at: 240, id: "Q1"),
            "pd-2")
        #expect([repeated.outcome, paged.outcome, ack.outcome] == [.updated, .updated, .updated])
        #expect(correlator.alerts.count == 1)
        #expect(correlator.incidents[IncidentID(1)]?.events == ["am-1", "am-2", "pd-1", "pd-2"])
    }

    @Test func resolvesWhenAllAlertsResolveAndReopensOnTheSameCause() throws {
        var correlator = Correlator(lake: try lake())
        _ = arrive(&correlator, alert("fp1", service: "one", at: 0), "e1")
        _ = arrive(&correlator, alert("fp1", service: "one", status: .resolved, at: 600), "e2")
        #expect(correlator.incidents[IncidentID(1)]?.status == .resolved)
        let again = arrive(&correlator, alert("fp1", service: "one", at: 900), "e3")
        #expect(again.outcome == .reopened)
        #expect(correlator.incidents[IncidentID(1)]?.status == .open)
    }

    @Test func aLateAlertBridgesTwoIncidentsAndMergesThem() throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: ref("resource:db")),
                Entity(ref: ref("service:left"), relations: ["dependsOn": [ref("service:middle")]]),
                Entity(ref: ref("service:right"), relations: ["dependsOn": [ref("resource:db")]]),
                Entity(ref: ref("service:middle"), relations: ["dependsOn": [ref("resource:db")]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        let healthy: [EntityRef: Trouble] = [ref("resource:db"): .healthy, ref("service:middle"): .healthy]
        _ = arrive(&correlator, alert("l", service: "left", at: 0), "e1", trouble: healthy)
        _ = arrive(&correlator, alert("r", service: "right", at: 30), "e2", trouble: healthy)
        #expect(correlator.visibleIncidents.count == 2)
        let failing: [EntityRef: Trouble] = [ref("resource:db"): .anomalous("p99 12 ms -> 900 ms")]
        let bridge = arrive(&correlator, alert("m", service: "middle", at: 60), "e3", trouble: failing)
        #expect(bridge.merged.count == 1)
        #expect(correlator.visibleIncidents.count == 1)
        #expect(Set(correlator.visibleIncidents[0].events) == ["e1", "e2", "e3"])
        #expect(correlator.visibleIncidents[0].log.contains { $0.note.contains("merged into") })
    }

    /// A caller of two failing services whose trouble began with the first one's, and minutes before the
    /// second one's, joins the first incident and does not bridge the second into it. Without onsets it does.
    @Test(arguments: [true, false])
    func aCallerSidesWithTheFailureItFollowed(knowsOnsets: Bool) throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: ref("service:maps")), Entity(ref: ref("service:rates")),
                Entity(
                    ref: ref("service:quote"), relations: ["dependsOn": [ref("service:maps"), ref("service:rates")]]),
            ], at: t0.addingTimeInterval(-86_400))
        var correlator = Correlator(lake: lake)
        let bad: Trouble = .anomalous("errors 0.01 -> 0.3")
        func onsets(_ pairs: [(String, TimeInterval)]) -> [EntityRef: Date] {
            guard knowsOnsets else { return [:] }
            return Dictionary(uniqueKeysWithValues: pairs.map { (ref($0.0), t0.addingTimeInterval($0.1)) })
        }
        let maps = correlator.ingest(
            AlertArrival(
                alert: alert("maps-errors", service: "maps", at: 0), entity: ref("service:maps"), eventID: "maps",
                trouble: [ref("service:maps"): bad], onsets: onsets([("service:maps", -480)])))
        let rates = correlator.ingest(
            AlertArrival(
                alert: alert("rates-errors", service: "rates", at: 60), entity: ref("service:rates"), eventID: "rates",
                trouble: [ref("service:rates"): bad], onsets: onsets([("service:rates", -180)])))
        #expect(rates.incident != maps.incident)
        let quote = correlator.ingest(
            AlertArrival(
                alert: alert("quote-errors", service: "quote", at: 90), entity: ref("service:quote"), eventID: "quote",
                trouble: [ref("service:quote"): bad, ref("service:maps"): bad, ref("service:rates"): bad],
                onsets: onsets([("service:quote", -420), ("service:maps", -480), ("service:rates", -180)])))
        #expect(quote.incident == maps.incident)
        #expect(quote.merged.isEmpty == knowsOnsets)
        #expect(correlator.incidents[rates.incident]?.isOpen == knowsOnsets)
    }

    /// The same alert firing again within the reopen window reopens its incident; after it, it is a new
    /// occurrence with an incident of its own, and its later updates follow it there.
    @Test(arguments: [(20.0 * 60, true), (50.0 * 60, false)])
    func anAlertFiringAgainReopensOnlyWithinTheWindow(after gap: TimeInterval, reopens: Bool) throws {
        var correlator = Correlator(lake: try lake())
        let first = arrive(&correlator, alert("lonely-down", service: "lonely", at: 0), "e1")
        let resolved = arrive(&correlator, alert("lonely-down", service: "lonely", status: .resolved, at: 120), "e2")
        #expect(resolved.incident == first.incident)
        #expect(correlator.incidents[first.incident]?.status == .resolved)
        let again = arrive(&correlator, alert("lonely-down", service: "lonely", at: 120 + gap), "e3")
        #expect((again.incident == first.incident) == reopens)
        #expect(correlator.incidents[again.incident]?.isOpen == true)
        let update = arrive(&correlator, alert("lonely-down", service: "lonely", at: 180 + gap), "e4")
        #expect(update.incident == again.incident)
        #expect(correlator.incidents[first.incident]?.status == (reopens ? .open : .resolved))
    }
}
