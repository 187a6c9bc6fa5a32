import Foundation
import MusterInvestigation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterPipeline

/// Who is notified follows the shifts at the instant of each triage.
struct OnCallHandOverTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func theIncomingOnCallIsAddedAfterAHandOver() async throws {
        let team = EntityRef(kind: "team", id: "a")
        let early = EntityRef(kind: "user", id: "early")
        let late = EntityRef(kind: "user", id: "late")
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [Entity(ref: team), Entity(ref: EntityRef(kind: "service", id: "api"), relations: ["ownedBy": [team]])],
            at: t0.addingTimeInterval(-3600))
        try lake.addShift(
            OnCallShift(team: team, user: early, from: t0.addingTimeInterval(-3600), to: t0.addingTimeInterval(300)))
        try lake.addShift(
            OnCallShift(team: team, user: late, from: t0.addingTimeInterval(300), to: t0.addingTimeInterval(3600)))
        let pipeline = TriagePipeline(lake: lake, metrics: MetricStore())
        func payload(_ id: String, _ at: Date) -> JSONValue {
            .object([
                "id": .string(id), "title": .string(id), "service": .string("api"), "severity": .string("critical"),
                "occurred_at": .string(Timestamp.format(at)),
            ])
        }
        try await pipeline.receive(.generic, payload: payload("first", t0), eventID: "e1", at: t0)
        var report = try #require(await pipeline.reports().first)
        #expect(report.notified == [early])
        // exactly at the hand-over instant the shift [from, to) belongs to the incoming engineer
        let handOver = t0.addingTimeInterval(300)
        try await pipeline.receive(.generic, payload: payload("second", handOver), eventID: "e2", at: handOver)
        report = try #require(await pipeline.reports().first)
        #expect(report.notified == [early, late])
        #expect(report.verdict?.notified == [late])
    }
}
