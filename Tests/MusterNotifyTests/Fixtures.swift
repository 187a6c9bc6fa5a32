import Foundation
import MusterModel
import MusterNotify
import MusterPipeline
import MusterTestSupport
import Synchronization

@testable import MusterInvestigation

/// Builders for triage updates, configurations and workers over the fakes.
enum Fixtures {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let payments = EntityRef(kind: "team", id: "payments")
    static let identity = EntityRef(kind: "team", id: "identity")
    static let blocks: JSONValue = .array([
        .object(["type": .string("section"), "text": .object(["type": .string("mrkdwn"), "text": .string("*card*")])])
    ])

    static func verdict() -> Verdict {
        let cause = Hypothesis(
            kind: .deployment, entity: EntityRef(kind: "service", id: "token"), confidence: 0.91,
            summary: "token deployed 7.3.0", evidence: [Evidence("verify failures up")])
        let other = Hypothesis(
            kind: .dependency, entity: EntityRef(kind: "resource", id: "db"), confidence: 0.4, summary: "db slow",
            evidence: [])
        return Verdict(
            at: t0, hypotheses: [cause, other], rootCause: cause, abstention: nil, actions: [],
            avoid: [
                AvoidAdvice(
                    action: "restart", target: EntityRef(kind: "service", id: "cart"), at: t0,
                    reason: "restart of cart did not help")
            ],
            tried: [], customers: [], services: [], teams: [payments], notified: [], problems: [])
    }

    static func update(
        incident: Int = 1, revision: Int, newTeams: [EntityRef] = [], pagerDuty: [String] = [],
        summary: String? = nil
    ) -> TriageUpdate {
        TriageUpdate(
            incident: IncidentID(incident), incidentKey: "inc-\(incident)", revision: revision,
            at: t0.addingTimeInterval(Double(revision) * 60),
            verdict: verdict(), text: "card text r\(revision)", blocks: blocks, notified: [],
            mentions: ["<@U0DAN>", "<@U0ADA>"], teams: [payments, identity],
            teamChannels: [payments: "#payments", identity: "C0IDENTITY"], newTeams: newTeams,
            pagerDutyIncidents: pagerDuty, summary: summary ?? "deployment service:token (91%) r\(revision)")
    }

    static func configuration(
        slack: FakeAPIServer?, pagerDuty: FakeAPIServer?, merge: Bool = false
    ) -> NotifyConfiguration {
        NotifyConfiguration(
            channel: "#incidents",
            slack: slack.map { .init(apiURL: $0.baseURL.appending(path: "api/"), token: "xoxb-test") },
            pagerDuty: pagerDuty.map { .init(apiURL: $0.baseURL, token: "pd-test", from: "triage-bot@example.com") },
            mergePagerDuty: merge)
    }

    /// A worker without jitter, so that backoff delays are exact.
    static func worker(
        _ outbox: Outbox, _ configuration: NotifyConfiguration, policy: RetryPolicy = RetryPolicy(jitter: 0)
    ) -> OutboxWorker {
        OutboxWorker(
            outbox: outbox, slack: configuration.slackClient(), pagerDuty: configuration.pagerDutyClient(),
            policy: policy, random: { 0 })
    }

    /// An outbox at `path`, its notifier on a clock stopped at `t0` and a worker, over the fakes given.
    static func delivery(
        slack: FakeAPIServer?, pagerDuty: FakeAPIServer? = nil, merge: Bool = false, path: String = ":memory:",
        policy: RetryPolicy = RetryPolicy(jitter: 0)
    ) throws -> (outbox: Outbox, notifier: OutboxNotifier, worker: OutboxWorker) {
        let outbox = try Outbox(path: path)
        let configuration = configuration(slack: slack, pagerDuty: pagerDuty, merge: merge)
        let notifier = OutboxNotifier(outbox: outbox, configuration: configuration, clock: ManualClock(t0))
        return (outbox, notifier, worker(outbox, configuration, policy: policy))
    }

    /// A fresh file path for an outbox that must survive a "restart"; removed by the caller.
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appending(path: "muster-outbox-\(UUID().uuidString).sqlite").path
    }

    static func removeDatabase(at path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

/// A clock tests move by hand.
final class ManualClock: InstantClock {
    private let instant: Mutex<Date>

    init(_ start: Date) { instant = Mutex(start) }

    func now() -> Date { instant.withLock { $0 } }

    func advance(by seconds: TimeInterval) { instant.withLock { $0.addTimeInterval(seconds) } }
}
