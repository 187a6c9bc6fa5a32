import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// Two callers of one upstream, whose own signals are normal, fail right after it was deployed: a changed
/// contract breaks the callers, not the service, so the shared upstream ties them. Without the deploy, or with
/// the callers failing long after it, its normal signals keep them apart.
struct BrokenContractTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let directory = EntityRef(kind: "service", id: "directory")
    let appointments = EntityRef(kind: "service", id: "appointments")
    let referrals = EntityRef(kind: "service", id: "referrals")
    let cache = EntityRef(kind: "resource", id: "cache")

    /// `cacheSlowMinutesBefore`: the second caller also uses a cache, slow since then (nil: not slow).
    /// `cacheDownMinutesBefore`: the cache then went down (a health signal, a severe fault) since then.
    /// `cacheRecoveredMinutesBefore`: the cache's trouble was over since then.
    /// `ownDeploy`: a caller deployed itself that many minutes before the first alert. `referralsFirst`: the
    /// caller with the cache alerts first, so what it had at its onset is on the incident's side.
    func decision(
        deployedMinutesBefore minutes: Double?, cacheSlowMinutesBefore slow: Double? = nil,
        cacheDownMinutesBefore down: Double? = nil, cacheRecoveredMinutesBefore recovered: Double? = nil,
        ownDeploy: (caller: EntityRef, minutes: Double)? = nil,
        referralsFirst: Bool = false
    ) throws -> CorrelationDecision {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: directory),
                Entity(ref: appointments, relations: ["dependsOn": [directory]]),
                Entity(ref: referrals, relations: ["dependsOn": [directory, cache]]),
                Entity(ref: cache),
            ], at: t0.addingTimeInterval(-86_400))
        if let minutes {
            try lake.record(Deployment(target: directory, at: t0.addingTimeInterval(-minutes * 60), version: "5"))
        }
        if let ownDeploy {
            try lake.record(
                Deployment(target: ownDeploy.caller, at: t0.addingTimeInterval(-ownDeploy.minutes * 60), version: "2"))
        }
        var correlator = Correlator(lake: lake)
        func arrival(_ entity: EntityRef, at offset: TimeInterval) -> AlertArrival {
            let alert = Alert(
                source: .alertmanager, sourceID: entity.id, dedupKey: entity.id, status: .firing,
                title: "\(entity.id) errors", severity: .critical, labels: ["alertname": "\(entity.id)-errors"],
                startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
            var trouble: [EntityRef: Trouble] = [entity: .anomalous("errors 0.002 -> 0.2"), directory: .healthy]
            var onsets = [entity: t0.addingTimeInterval(-120)]
            if entity == referrals, let slow {
                trouble[cache] = .anomalous("latency 0.002 -> 0.007")
                onsets[cache] = t0.addingTimeInterval(-slow * 60)
            }
            var arrival = AlertArrival(
                alert: alert, entity: entity, eventID: entity.id, trouble: trouble, onsets: onsets)
            if entity == referrals, let down { arrival.severeOnsets[cache] = t0.addingTimeInterval(-down * 60) }
            if entity == referrals, let recovered { arrival.recovered[cache] = t0.addingTimeInterval(-recovered * 60) }
            return arrival
        }
        let (first, second) = referralsFirst ? (referrals, appointments) : (appointments, referrals)
        _ = correlator.ingest(arrival(first, at: 0))
        return correlator.ingest(arrival(second, at: 60))
    }

    @Test func callersFailingRightAfterAChangeOfTheirUpstreamJoin() throws {
        let decision = try decision(deployedMinutesBefore: 3)
        #expect(decision.outcome == .joined)
        #expect(decision.reasons.first?.contains("a change can break its callers") == true)
    }

    /// A caller that rode out its cache's trouble for 23 minutes and broke right after the change still joins: the
    /// cache does not explain it. A cache that turned bad a minute before it does, and keeps it apart.
    @Test(arguments: [(25.0, true), (3.0, false)])
    func aCallerThatRodeOutAnotherUpstreamsTroubleJoins(slowMinutes: Double, joins: Bool) throws {
        let decision = try decision(deployedMinutesBefore: 3, cacheSlowMinutesBefore: slowMinutes)
        #expect((decision.outcome == .joined) == joins)
        if joins { #expect(decision.reasons.first?.contains("rode out resource:cache's trouble") == true) }
    }

    /// A cache whose trouble was over 20 minutes before the caller broke was another episode, not ridden out: the
    /// reason says so, and the caller joins all the same.
    @Test func anUpstreamWhoseTroubleWasOverWasNotRiddenOut() throws {
        let decision = try decision(
            deployedMinutesBefore: 3, cacheSlowMinutesBefore: 25, cacheRecoveredMinutesBefore: 22)
        #expect(decision.outcome == .joined)
        let reason = try #require(decision.reasons.first)
        #expect(!reason.contains("rode out"))
        #expect(reason.contains("resource:cache's trouble was over at"))
    }

    /// A cache slow for 25 minutes that went down in the very minute the caller broke was not ridden out: something
    /// new happened on it, so it explains the caller. Down long before, it was ridden out like the slowness.
    @Test(arguments: [(2.0, false), (20.0, true)])
    func anUpstreamThatWentDownAsTheCallerBrokeWasNotRiddenOut(downMinutes: Double, joins: Bool) throws {
        let decision = try decision(
            deployedMinutesBefore: 3, cacheSlowMinutesBefore: 25, cacheDownMinutesBefore: downMinutes)
        #expect((decision.outcome == .joined) == joins)
    }

    /// Each caller with an explanation of its own at its onset (turned bad 2 minutes before the first alert): its own
    /// deploy a minute before, or the cache going down with it. The changed upstream that looks healthy ties
    /// neither, on the arriving side or the incident's. A deploy of its own 7 minutes before its onset explains
    /// nothing new: it joins.
    @Test(arguments: [("appointments", 3.0, false), ("referrals", 3.0, false), ("referrals", 9.0, true)])
    func aCallerWithAChangeOfItsOwnAtItsOnsetStaysApart(caller: String, minutes: Double, joins: Bool) throws {
        let decision = try decision(
            deployedMinutesBefore: 6, ownDeploy: (EntityRef(kind: "service", id: caller), minutes))
        #expect((decision.outcome == .joined) == joins)
    }

    @Test func aCallerWhoseOwnUpstreamWentDownAtItsOnsetStaysApartFromALaterCaller() throws {
        let decision = try decision(
            deployedMinutesBefore: 6, cacheSlowMinutesBefore: 2, cacheDownMinutesBefore: 2, referralsFirst: true)
        #expect(decision.outcome == .opened)
    }

    @Test(arguments: [nil, 40.0])
    func callersOfAnUnchangedOrLongChangedHealthyUpstreamStayApart(minutes: Double?) throws {
        #expect(try decision(deployedMinutesBefore: minutes).outcome == .opened)
    }
}
