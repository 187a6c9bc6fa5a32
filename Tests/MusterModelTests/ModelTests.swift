import Foundation
import Testing

@testable import MusterModel

struct TimestampTests {
    @Test(arguments: [
        ("2026-11-20T17:00:00Z", 1_795_194_000.0),
        ("2026-11-20 17:00:00Z", 1_795_194_000.0),
        ("2026-11-20T18:00:00+01:00", 1_795_194_000.0),
        ("2026-11-20T17:08:00.500Z", 1_795_194_480.5),
    ])
    func parsesRFC3339(text: String, seconds: Double) {
        #expect(Timestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: ["2026-11-20", "2026-13-01T00:00:00Z", "2026-11-20T17:00:00", "x"])
    func rejectsNonTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func formatsRoundTrip() {
        let date = Date(timeIntervalSince1970: 1_795_194_480)
        #expect(Timestamp.format(date) == "2026-11-20T17:08:00Z")
        #expect(Timestamp.parse(Timestamp.format(date)) == date)
        #expect(Timestamp.clockTime(date) == "17:08")
    }
}

struct DurationTests {
    @Test(arguments: [
        ("90m", 5400.0), ("1h30m", 5400), ("-2h", -7200), ("0s", 0), ("1.5h", 5400), ("1d", 86400), ("50ms", 0.05),
        ("1m500ms", 60.5),
    ])
    func parses(text: String, seconds: Double) {
        #expect(DurationText.seconds(text) == seconds)
    }

    @Test(arguments: ["", "5", "5x", "m", "-", "1h-3m"])
    func rejects(text: String) {
        #expect(DurationText.seconds(text) == nil)
    }

    @Test func formats() {
        #expect(DurationText.format(5400) == "1h30m")
        #expect(DurationText.format(-120) == "-2m")
    }
}

struct EntityRefTests {
    @Test func parsesAndOrders() throws {
        let ref = try #require(EntityRef("service:actions-worker"))
        #expect(ref.kind == "service" && ref.id == "actions-worker")
        #expect(EntityRef("nocolon") == nil)
        #expect(EntityRef(":x") == nil)
        #expect(EntityRef(kind: "a", id: "b") < EntityRef(kind: "b", id: "a"))
    }

    @Test func inverseRelations() {
        #expect(Relation.inverse(of: "ownedBy") == "owns")
        #expect(Relation.inverse(of: "hasOrg") == "belongsTo")
    }

    @Test func signalsFromProperties() {
        let entity = Entity(
            ref: EntityRef(kind: "service", id: "a"),
            properties: [
                "signals": .array([
                    .object([
                        "name": .string("lag"), "type": .string("lag"), "metric": .string("m"),
                        "match": .object(["k": .string("v")]), "rate": .bool(true), "breakdown": .string("org"),
                    ]),
                    .object(["name": .string("broken")]),
                ])
            ])
        #expect(entity.signals.count == 1)
        #expect(entity.signals.first?.breakdownKind == "org")
        #expect(entity.signals.first?.isRate == true)
    }
}
