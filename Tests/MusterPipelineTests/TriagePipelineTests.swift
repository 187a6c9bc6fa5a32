import Foundation
import MusterInvestigation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterPipeline

struct TriagePipelineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func pipeline() throws -> TriagePipeline {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: EntityRef(kind: "team", id: "a")),
                Entity(
                    ref: EntityRef(kind: "service", id: "api"),
                    relations: ["ownedBy": [EntityRef(kind: "team", id: "a")]]),
            ], at: t0.addingTimeInterval(-3600))
        try lake.addShift(
            OnCallShift(
                team: EntityRef(kind: "team", id: "a"), user: EntityRef(kind: "user", id: "u"),
                from: t0.addingTimeInterval(-3600), to: t0.addingTimeInterval(3600)))
        return TriagePipeline(lake: lake, metrics: MetricStore())
    }

    func generic(_ service: String, id: String) -> JSONValue {
        .object([
            "id": .string(id), "title": .string("\(service) down"), "service": .string(service),
            "severity": .string("critical"), "occurred_at": .string(Timestamp.format(t0)),
        ])
    }

    /// A server runs for months and an alert re-sent every minute adds an event each time: the pipeline's log
    /// and each incident's keep the latest events only.
    @Test func logsKeepTheLatestEventsWhenALimitIsSet() async throws {
        let lake = ContextLake.inMemory()
        try lake.upsert([Entity(ref: EntityRef(kind: "service", id: "api"))], at: t0.addingTimeInterval(-3600))
        let pipeline = TriagePipeline(lake: lake, metrics: MetricStore(), logLimit: 100)
        for index in 0..<1_300 {
            try await pipeline.receive(
                .generic, payload: generic("api", id: "same"), eventID: "e\(index)",
                at: t0.addingTimeInterval(Double(index)))
        }
        let log = await pipeline.log
        #expect(log.count <= 110 && log.last?.text.hasPrefix("e1299 ") == true)
        let report = try #require(await pipeline.reports().first)
        #expect(report.log.count <= TriagePipeline.incidentLogLimit * 11 / 10)
        #expect(report.log.last?.text.hasPrefix("e1299 ") == true)
    }

    @Test func anUnmappedAlertIsKeptInAnIncidentOfItsOwn() async throws {
        let pipeline = try pipeline()
        try await pipeline.receive(.generic, payload: generic("nowhere", id: "x"), eventID: "e1", at: t0)
        let reports = await pipeline.reports()
        #expect(reports.count == 1)
        #expect(reports[0].alerts.first?.entity == nil)
        #expect(reports[0].events == ["e1"])
    }

    @Test func aMappedAlertIsTriagedAndItsOnCallNotified() async throws {
        let pipeline = try pipeline()
        try await pipeline.receive(.generic, payload: generic("api", id: "y"), eventID: "e1", at: t0)
        let report = try #require(await pipeline.reports().first)
        #expect(report.triagedAt == t0)
        #expect(report.notified == [EntityRef(kind: "user", id: "u")])
        // no signals, no history: Muster abstains rather than inventing a cause
        #expect(report.verdict?.rootCause == nil)
        #expect(report.verdict?.abstention?.hasPrefix("no confident root cause") == true)
    }

    @Test func unknownPagerDutyEventsAreAcceptedAndIgnored() async throws {
        let pipeline = try pipeline()
        let payload: JSONValue = .object([
            "event": .object([
                "id": .string("01X"), "event_type": .string("incident.something_new"),
                "resource_type": .string("incident"), "occurred_at": .string(Timestamp.format(t0)),
                "data": .object(["id": .string("Q1")]),
            ])
        ])
        let outcomes = try await pipeline.receive(.pagerduty, payload: payload, eventID: "e1", at: t0)
        #expect(outcomes.isEmpty)
        #expect(await pipeline.reports().isEmpty)
        #expect(await pipeline.log.last?.text.contains("ignored") == true)
    }

    @Test func aMalformedPayloadIsAnErrorThatNamesTheField() async throws {
        let pipeline = try pipeline()
        await #expect {
            try await pipeline.receive(.generic, payload: .object(["title": .string("x")]), eventID: "e1", at: t0)
        } throws: { error in
            "\(error)".contains("service")
        }
    }
}

struct DeliveryRetryTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aRetriedDeliveryIsAcknowledgedAndAttributedButNotTakenTwice() async throws {
        let lake = ContextLake.inMemory()
        try lake.upsert([Entity(ref: EntityRef(kind: "service", id: "api"))], at: t0.addingTimeInterval(-60))
        let pipeline = TriagePipeline(lake: lake, metrics: MetricStore())
        let payload: JSONValue = .object([
            "id": .string("a1"), "title": .string("down"), "service": .string("api"),
            "severity": .string("critical"), "occurred_at": .string(Timestamp.format(t0)),
        ])
        let first = try await pipeline.receive(.generic, payload: payload, eventID: "e1", at: t0, deliveryID: "d-1")
        let retry = try await pipeline.receive(.generic, payload: payload, eventID: "e2", at: t0, deliveryID: "d-1")
        #expect(first.count == 1)
        #expect(retry.isEmpty)
        // Not processed twice (one triage), yet the retry is still an event of the incident (the output contract).
        let report = try #require(await pipeline.reports().first)
        #expect(report.events == ["e1", "e2"])
        #expect(report.triageCount == 1)
        #expect(await pipeline.log.contains { $0.text.contains("duplicate delivery d-1") })
    }

    @Test func theLogForgetsTheOldestIdsBeyondItsCapacity() {
        var log = DeliveryLog(capacity: 2)
        let results = [log.insert("a"), log.insert("b"), log.insert("a"), log.insert("c"), log.insert("a")]
        // the third is a retry; after "c", "a" was the oldest and is forgotten
        #expect(results == [true, true, false, true, true])
    }
}
