public import Foundation
public import MusterInvestigation
public import MusterModel

/// One incident in the shape of `muster replay --json` (scenario-v1, "Output"), plus explanations.
public struct IncidentOutput: Sendable, Encodable {
    public struct RootCause: Sendable, Encodable {
        public var kind: String
        public var entity: EntityRef
        /// The calibrated probability that it is right.
        public var confidence: Double
        /// The raw score before calibration.
        public var score: Double
        public var summary: String
    }

    public struct HypothesisOutput: Sendable, Encodable {
        public var kind: String
        public var entity: EntityRef
        /// The calibrated probability that it is right.
        public var confidence: Double
        /// The raw score before calibration.
        public var score: Double
        public var summary: String
        public var evidence: [String]
        public var against: [String]
    }

    public struct ActionOutput: Sendable, Encodable {
        public var action: String
        public var target: EntityRef
        public var available: Bool
        public var params: [String: JSONValue]
        public var reason: String
    }

    public struct AvoidOutput: Sendable, Encodable {
        public var action: String
        public var target: EntityRef
        public var reason: String
    }

    public struct AlertOutput: Sendable, Encodable {
        public var key: String
        public var title: String
        public var source: String
        public var status: String
        public var entity: EntityRef?
        public var events: [String]
        public var reasons: [String]
    }

    public var id: String
    public var status: String
    public var events: [String]
    public var openedAt: Date
    public var triagedAt: Date?
    public var resolvedAt: Date?
    public var services: [EntityRef]
    public var teams: [EntityRef]
    public var notified: [EntityRef]
    public var customers: [EntityRef]
    public var rootCause: RootCause?
    /// Whether `rootCause` cleared the playbook's confidence bar (false: Muster abstains, see `abstention`).
    public var isConfident: Bool
    public var abstention: String?
    public var hypotheses: [HypothesisOutput]
    /// Every hypothesis of the latest verdict, ranked and unrounded (`hypotheses` shows the first six); not encoded.
    public var ranked: [Hypothesis]
    public var actions: [ActionOutput]
    public var avoid: [AvoidOutput]
    public var tried: [String]
    public var alerts: [AlertOutput]
    public var card: String
    public var triageMessages: Int

    public init(report: IncidentReport) {
        let verdict = report.verdict
        id = report.id.description
        status = report.status
        events = report.events
        openedAt = report.openedAt
        triagedAt = report.triagedAt
        resolvedAt = report.resolvedAt
        services = verdict?.services ?? report.alerts.compactMap(\.entity)
        teams = report.teams
        notified = report.notified
        customers = verdict?.customers ?? []
        // The contract: `root_cause` is the first of the ranked hypotheses. Whether it cleared the confidence bar
        // is `confident`; below it, the card says "no confident root cause" and what to check next.
        rootCause = (verdict?.rootCause ?? verdict?.hypotheses.first).map {
            RootCause(
                kind: $0.kind.rawValue, entity: $0.entity, confidence: Self.round($0.confidence),
                score: Self.round($0.score), summary: $0.summary)
        }
        isConfident = verdict?.rootCause != nil
        abstention = verdict?.abstention
        hypotheses = (verdict?.hypotheses ?? []).prefix(6).map {
            HypothesisOutput(
                kind: $0.kind.rawValue, entity: $0.entity, confidence: Self.round($0.confidence),
                score: Self.round($0.score), summary: $0.summary,
                evidence: $0.evidence.filter { !$0.isAgainst }.map(\.text),
                against: $0.evidence.filter(\.isAgainst).map(\.text))
        }
        ranked = verdict?.hypotheses ?? []
        actions = (verdict?.actions ?? []).map {
            ActionOutput(
                action: $0.action, target: $0.target, available: $0.isAvailable, params: $0.params, reason: $0.reason)
        }
        avoid = (verdict?.avoid ?? []).map { AvoidOutput(action: $0.action, target: $0.target, reason: $0.reason) }
        tried = verdict?.tried ?? []
        alerts = report.alerts.map {
            AlertOutput(
                key: $0.key, title: $0.title, source: $0.source, status: $0.status, entity: $0.entity,
                events: $0.events,
                reasons: $0.reasons)
        }
        card =
            verdict.map { TriageCard(incident: report.id, verdict: $0, notified: report.notified, lake: nil).text }
            ?? ""
        triageMessages = report.triageCount
    }

    static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    enum CodingKeys: String, CodingKey {
        case id, status, events, openedAt, triagedAt, resolvedAt, services, teams, notified, customers, rootCause
        case
            isConfident = "confident"
        case abstention, hypotheses, actions, avoid, tried, alerts, card, triageMessages
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(events, forKey: .events)
        try container.encode(openedAt, forKey: .openedAt)
        try container.encode(triagedAt, forKey: .triagedAt)
        try container.encodeIfPresent(resolvedAt, forKey: .resolvedAt)
        try container.encode(services, forKey: .services)
        try container.encode(teams, forKey: .teams)
        try container.encode(notified, forKey: .notified)
        try container.encode(customers, forKey: .customers)
        try container.encode(rootCause, forKey: .rootCause)
        try container.encode(isConfident, forKey: .isConfident)
        try container.encodeIfPresent(abstention, forKey: .abstention)
        try container.encode(hypotheses, forKey: .hypotheses)
        try container.encode(actions, forKey: .actions)
        try container.encode(avoid, forKey: .avoid)
        try container.encode(tried, forKey: .tried)
        try container.encode(alerts, forKey: .alerts)
        try container.encode(card, forKey: .card)
        try container.encode(triageMessages, forKey: .triageMessages)
    }
}
