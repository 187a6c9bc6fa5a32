import Foundation
import MusterLake
import MusterModel
import Testing

@testable import MusterCorrelation

/// A writer of a topic whose own load moved and a reader lagging behind that topic share a cause, whichever
/// alerts first, when nothing else explains the reader's lag; a reader whose own sink is failing lags for that.
struct WriterReaderTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let topic = EntityRef(kind: "resource", id: "topic")
    let sink = EntityRef(kind: "resource", id: "sink")
    let gateway = EntityRef(kind: "service", id: "gateway")
    let reader = EntityRef(kind: "service", id: "reader")

    func correlator() throws -> Correlator {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [
                Entity(ref: topic), Entity(ref: sink), Entity(ref: gateway, relations: ["dependsOn": [topic]]),
                Entity(ref: reader, relations: ["dependsOn": [topic, sink]]),
            ], at: t0.addingTimeInterval(-86_400))
        return Correlator(lake: lake)
    }

    func writerArrival(at offset: TimeInterval) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: "rate", dedupKey: "rate", status: .firing, title: "gateway rate 8x",
            severity: .warning, startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(
            alert: alert, entity: gateway, eventID: "rate",
            trouble: [gateway: .loadShift("readings 8x"), topic: .unknown],
            isLoadShifted: true)
    }

    func readerArrival(at offset: TimeInterval, sink sinkTrouble: Trouble = .healthy) -> AlertArrival {
        let alert = Alert(
            source: .generic, sourceID: "lag", dedupKey: "lag", status: .firing, title: "reader lag",
            severity: .critical, startedAt: t0.addingTimeInterval(offset), receivedAt: t0.addingTimeInterval(offset))
        return AlertArrival(
            alert: alert, entity: reader, eventID: "lag",
            trouble: [reader: .anomalous("lag 300 -> 90k"), topic: .unknown, sink: sinkTrouble], symptoms: [.lag],
            onsets: [reader: t0.addingTimeInterval(-120)])
    }

    @Test func aReaderLaggingBehindAWriterWhoseLoadMovedJoinsIt() throws {
        var correlator = try correlator()
        let writer = correlator.ingest(writerArrival(at: 0))
        let lagging = correlator.ingest(readerArrival(at: 60))
        #expect(lagging.incident == writer.incident)
        #expect(lagging.reasons.first?.contains("what a writer sends is what a reader reads") == true)
    }

    @Test func aWriterWhoseLoadMovedJoinsItsLaggingReader() throws {
        var correlator = try correlator()
        let lagging = correlator.ingest(readerArrival(at: 0))
        let writer = correlator.ingest(writerArrival(at: 60))
        #expect(writer.incident == lagging.incident)
    }

    @Test func aReaderWhoseSinkFailsLagsForThat() throws {
        var correlator = try correlator()
        let writer = correlator.ingest(writerArrival(at: 0))
        let lagging = correlator.ingest(readerArrival(at: 60, sink: .anomalous("p95 0.04 -> 2.6")))
        #expect(lagging.incident != writer.incident)
    }
}
