import Foundation
import MusterModel
import Testing

@testable import MusterSignals

/// The direct Alertmanager reader against the generic path (`JSONValue` tree, then `AlertGroupDecoder`): wherever
/// the reader answers, both must give the same delivery, and it must answer for the bodies Alertmanager sends.
struct AlertmanagerBodyReaderTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func direct(_ text: String) -> Delivery? {
        Array(text.utf8).withUnsafeBufferPointer { AlertmanagerBodyReader.decode($0, receivedAt: now) }
    }

    func generic(_ text: String) -> Delivery? {
        guard let payload = try? JSONParser.parse(Array(text.utf8)) else { return nil }
        return try? SignalDecoder.decode(.alertmanager, payload: payload, receivedAt: now)
    }

    @Test func readsAlertmanagersOwnBodyAsTheGenericPathDoes() throws {
        let delivery = try #require(direct(Fixtures.alertmanager))
        #expect(delivery == generic(Fixtures.alertmanager))
        #expect(delivery.alerts.count == 3)
        #expect(delivery.alerts.allSatisfy { $0.hints["group_key"] != nil && $0.labels["service"] != nil })
    }

    @Test func resolvedAlertKeepsItsEndAndAFiringOneIgnoresAnUnreadableEnd() throws {
        let body = """
            {"version":"4","alerts":[
              {"status":"resolved","labels":{"alertname":"A"},"startsAt":"2027-01-01T10:00:00Z",
               "endsAt":"2027-01-01T10:05:30.250+01:00"},
              {"status":"firing","labels":{"alertname":"B"},"startsAt":"2027-01-01T10:00:00Z","endsAt":"soon"}]}
            """
        let delivery = try #require(direct(body))
        #expect(delivery == generic(body))
        #expect(delivery.alerts.map(\.status) == [.resolved, .firing])
        #expect(delivery.alerts[0].hints["ends_at"] == nil)  // 09:05:30 UTC is before the start
        #expect(delivery.alerts[0].sourceID == LabelFingerprint.of(["alertname": "A"]))
    }

    @Test(arguments: [
        #"{"version":"4","alerts":[{"status":"firing","labels":{"a":1},"startsAt":"2027-01-01T10:00:00Z"}]}"#,
        #"{"version":4,"alerts":[]}"#,
        #"{"version":"4","alerts":[],"x":[1,]}"#,
        #"{"version":"4","alerts":[]} x"#,
        #"{"version":"4","alerts":[{"status":"resolved","startsAt":"2027-01-01T10:00:00Z","endsAt":"soon"}]}"#,
        #"{"\u0076ersion":"4","alerts":[]}"#,
        #"{"version":"4","alerts":[{"status":"pending","startsAt":"2027-01-01T10:00:00Z"}]}"#,
    ])
    func leavesWhatItDoesNotFullyUnderstandToTheGenericPath(body: String) {
        #expect(direct(body) == nil)
    }

    /// Generated bodies: shapes Alertmanager sends and many it does not (nulls, numbers, escapes, repeated keys,
    /// bad timestamps, broken syntax). Every answer of the reader must equal the generic path's.
    @Test func agreesWithTheGenericPathOnGeneratedBodies() {
        var random = SplitMix64(seed: 2026)
        var answered = 0
        var accepted = 0
        var disagreements: [String] = []
        for _ in 0..<4000 {
            let body = BodyGenerator.body(&random)
            if generic(body) != nil { accepted += 1 }
            guard let delivery = direct(body) else { continue }
            answered += 1
            if delivery != generic(body), disagreements.count < 3 { disagreements.append(body) }
        }
        #expect(disagreements.isEmpty, "the reader disagrees on: \(disagreements)")
        // Most generated bodies are valid: the reader must take a good share, or the comparison proves little.
        #expect(answered > 1000, "the reader answered only \(answered) of 4000 (the generic path \(accepted))")
    }
}

/// Alertmanager-like webhook bodies, mostly valid, with the variations a sender could produce.
enum BodyGenerator {
    static let names = ["alertname", "service", "severity", "namespace", "pod", #"we\"ird"#, "caf\\u00e9", "job"]
    static let values = [
        #""CheckoutErrors""#, #""checkout-api""#, #""critical""#, #""warning""#, #""""#, "null", "3", "true",
        #""line\nbreak""#, #""\ud83d\ude80 rocket""#, #""Grüße""#,
    ]
    static let times = [
        #""2027-01-01T10:00:00Z""#, #""2027-01-01T10:03:00.123Z""#, #""2027-01-01 10:04:00+02:00""#,
        #""0001-01-01T00:00:00Z""#, #""yesterday""#, #""""#, "null", "1700000000",
    ]

    static func pick<T>(_ items: [T], _ random: inout SplitMix64) -> T {
        items[Int(random.next() % UInt64(items.count))]
    }
    static func chance(_ percent: UInt64, _ random: inout SplitMix64) -> Bool { random.next() % 100 < percent }

    /// An object from `members`, in shuffled order, some repeated, some left out.
    static func object(_ members: [(String, String)], _ random: inout SplitMix64) -> String {
        var chosen = members.filter { _ in !chance(8, &random) }
        if let repeated = chosen.randomElement(using: &random), chance(5, &random) {
            chosen.append((repeated.0, pick(values, &random)))
        }
        chosen.shuffle(using: &random)
        let space = chance(20, &random) ? "\n  " : ""
        return "{" + space + chosen.map { "\"\($0.0)\": \($0.1)" }.joined(separator: "," + space) + "}"
    }

    static func labels(_ random: inout SplitMix64) -> String {
        if chance(3, &random) { return "null" }
        let count = Int(random.next() % 5)
        let members = (0..<count).map { _ in
            (pick(names, &random), chance(94, &random) ? #""v\#(random.next() % 9)""# : pick(values, &random))
        }
        return object(members, &random)
    }

    static func alert(_ random: inout SplitMix64) -> String {
        let statuses = [
            #""firing""#, #""firing""#, #""firing""#, #""resolved""#, #""resolved""#, #""pending""#, "null",
        ]
        var members: [(String, String)] = [
            ("status", pick(statuses, &random)), ("labels", labels(&random)), ("annotations", labels(&random)),
            ("startsAt", chance(92, &random) ? pick(Array(times[0..<3]), &random) : pick(times, &random)),
            ("endsAt", chance(70, &random) ? pick(Array(times[0..<4]), &random) : pick(times, &random)),
            (
                "generatorURL",
                chance(80, &random) ? #""http://prometheus:9090/graph?g0.expr=up""# : pick(values, &random)
            ),
            ("fingerprint", chance(70, &random) ? #""\#(String(random.next(), radix: 16))""# : pick(values, &random)),
        ]
        if chance(20, &random) { members.append(("silenceURL", #"{"nested":[1,2.5e3,{"deep":null}],"ok":false}"#)) }
        if chance(30, &random) {
            members.append(("annotations", #"{"summary":"S","description":"D","runbook_url":"R"}"#))
        }
        return chance(2, &random) ? "[]" : object(members, &random)
    }

    static func body(_ random: inout SplitMix64) -> String {
        let alerts = (0..<Int(random.next() % 4)).map { _ in alert(&random) }
        var members: [(String, String)] = [
            ("version", chance(90, &random) ? #""4""# : pick([#""1""#, "4", "null", #""""#], &random)),
            ("groupKey", chance(80, &random) ? #""{}:{namespace=\"shop\"}""# : pick(values, &random)),
            ("status", #""firing""#), ("receiver", #""muster""#), ("groupLabels", labels(&random)),
            ("commonLabels", labels(&random)), ("commonAnnotations", labels(&random)),
            ("externalURL", #""http://alertmanager:9093""#), ("truncatedAlerts", "0"),
            ("alerts", chance(97, &random) ? "[" + alerts.joined(separator: ",") + "]" : "null"),
        ]
        if chance(10, &random) { members.append(("title", pick(values, &random))) }
        var text = object(members, &random)
        if chance(3, &random) { text += pick([" ", " x", "}", "\n"], &random) }
        if chance(3, &random) { text = String(text.prefix(Int(random.next() % UInt64(text.count + 1)))) }
        return text
    }
}
