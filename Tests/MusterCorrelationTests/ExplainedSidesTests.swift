import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A writer and a reader of a topic that shows nothing: when each has a cause of its own at its onset (a deploy of
/// its own just before it turned bad), the topic ties nothing; when neither has, it may.
struct ExplainedSidesTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let topic = EntityRef(kind: "resource", id: "topic")
    let database = EntityRef(kind: "resource", id: "database")
    let writer = EntityRef(kind: "service", id: "writer")
    let reader = EntityRef(kind: "service", id: "reader")

    func correlator(deployed: Bool) throws -> Correlator {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: topic), Entity(ref: database), Entity(ref: writer, relations: ["dependsOn": [topic]]),
                Entity(ref: reader, relations: ["dependsOn": [topic, database]]),
            ], at: t0.addingTimeInterval(-86_400))
        if deployed {
            try lake.record(Deployment(target: writer, at: t0.addingTimeInterval(-180), version: "7"))
            try lake.record(Deployment(target: reader, at: t0.addingTimeInterval(-90), version: "3"))
        }
        return Correlator(lake: lake)
    }

    func writerArrival() -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: "w", dedupKey: "w", status: .firing, title: "writer errors",
            severity: .critical, startedAt: t0, receivedAt: t0)
        return AlertArrival(
            alert: alert, entity: writer, eventID: "w",
            trouble: [writer: .anomalous("errors 0.001 -> 0.3"), topic: .unknown], symptoms: [.errors],
            onsets: [writer: t0.addingTimeInterval(-120)])
    }

    func readerArrival() -> AlertArrival {
        let at = t0.addingTimeInterval(90)
        let alert = Alert(
            source: .generic, sourceID: "r", dedupKey: "r", status: .firing, title: "reader errors",
            severity: .critical, startedAt: at, receivedAt: at)
        return AlertArrival(
            alert: alert, entity: reader, eventID: "r",
            trouble: [reader: .anomalous("errors 0.001 -> 0.2"), topic: .unknown, database: .healthy],
            symptoms: [.errors], onsets: [reader: t0.addingTimeInterval(-30)])
    }

    @Test func aSilentTopicTiesNoTwoFailuresThatEachHaveTheirOwnCause() throws {
        var correlator = try correlator(deployed: true)
        let first = correlator.ingest(writerArrival())
        let second = correlator.ingest(readerArrival())
        #expect(second.incident != first.incident)
    }

    @Test func aSilentTopicStillTiesTwoFailuresWithoutCausesOfTheirOwn() throws {
        var correlator = try correlator(deployed: false)
        let first = correlator.ingest(writerArrival())
        let second = correlator.ingest(readerArrival())
        #expect(second.incident == first.incident)
        #expect(second.reasons.first?.contains("shares resource:topic") == true)
    }
}
