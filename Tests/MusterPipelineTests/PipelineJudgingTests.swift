import Foundation
import MusterInvestigation
import MusterLake
import MusterModel
import MusterTelemetry
import Testing

@testable import MusterPipeline

/// The pipeline hands the playbook's reminder patterns to correlation, and triages again at every instant an
/// action is judged: a scale-out a second time, since new capacity may take minutes to join.
struct PipelineJudgingTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let api = EntityRef(kind: "service", id: "api")

    func pipeline() throws -> TriagePipeline {
        let lake = ContextLake.inMemory()
        try lake.upsert([Entity(ref: api)], at: t0.addingTimeInterval(-3600))
        return TriagePipeline(lake: lake, metrics: MetricStore())
    }

    func generic(id: String, title: String, at offset: TimeInterval) -> JSONValue {
        .object([
            "id": .string(id), "title": .string(title), "service": .string("api"), "severity": .string("warning"),
            "occurred_at": .string(Timestamp.format(t0.addingTimeInterval(offset))),
        ])
    }

    @Test func aReminderOnAFailingServiceStaysOnItsOwn() async throws {
        let pipeline = try pipeline()
        try await pipeline.receive(
            .generic, payload: generic(id: "down", title: "api down", at: 0), eventID: "e1", at: t0)
        try await pipeline.receive(
            .generic, payload: generic(id: "cert", title: "api: TLS certificate expires in 14 days", at: 60),
            eventID: "e2", at: t0.addingTimeInterval(60))
        let reports = await pipeline.reports()
        #expect(reports.map(\.events) == [["e1"], ["e2"]])
    }

    @Test(arguments: [("scale-out", [360.0, 720.0]), ("restart", [360.0])])
    func anActionIsJudgedAtItsInstants(name: String, offsets: [TimeInterval]) async throws {
        let pipeline = try pipeline()
        try await pipeline.receive(
            .generic, payload: generic(id: "down", title: "api down", at: 0), eventID: "e1", at: t0)
        try await pipeline.record(.action(ActionRecord(name: name, target: api, at: t0)), at: t0)
        let followUps = await pipeline.followUps.map { $0.at.timeIntervalSince(t0) }.sorted()
        #expect(followUps == offsets)
    }
}
