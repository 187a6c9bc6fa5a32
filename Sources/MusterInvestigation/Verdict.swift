public import Foundation
public import MusterModel

/// The root-cause kinds of the scenario contract.
public enum RootCauseKind: String, Codable, Sendable, CaseIterable {
    case trafficSpike = "traffic-spike"
    case deployment
    case configChange = "config-change"
    case dependency
    case saturation
    case infrastructure
}

/// One line of evidence, for or against a hypothesis, that a person can check.
public struct Evidence: Hashable, Codable, Sendable {
    public var text: String
    /// True when it speaks against the hypothesis.
    public var isAgainst: Bool

    public init(_ text: String, against: Bool = false) {
        self.text = text
        self.isAgainst = against
    }
}

/// A candidate explanation of an incident, with its confidence and evidence.
public struct Hypothesis: Hashable, Codable, Sendable {
    public var kind: RootCauseKind
    public var entity: EntityRef
    /// The probability that it is right, in [0, 1]: `score` through the playbook's calibration map
    /// (`Playbook.calibration`). The confidence bar applies to it.
    public var confidence: Double
    /// The checks' raw score, in [0, 1], after the kind's weight; ranking follows it.
    public var score: Double
    public var summary: String
    public var evidence: [Evidence]
    /// Customers named by a traffic-spike attribution.
    public var customers: [EntityRef]
    /// For a traffic spike read off a total that rose under the spike ratio (its source spiked alone): the
    /// total's measured ratio and whether it is still up, which the recommendations size and time by.
    public var load: Load?

    /// For a traffic spike (and a change found to have made one): the entity whose load rose, when and how much.
    public var loaded: Loaded?

    /// The load rise a traffic spike was read from.
    public struct Loaded: Hashable, Codable, Sendable {
        public var entity: EntityRef
        public var onset: Date
        public var ratio: Double
        /// The worst value of that load, and whether it is a per-second rate (for words when it rose from 0).
        public var peak: Double = 0
        public var isRate = false
        /// Its baseline and its level at the instant of the investigation, and when it was back to normal (nil
        /// while it is still up): what a scale-out is sized by and a throttle timed by.
        public var baseline: Double = 0
        public var current: Double = 0
        public var recoveredAt: Date? = nil

        /// How far it rose, in words (``SignalAssessment/rise``).
        public var rise: String { SignalAssessment.rise(ratio, to: peak, perSecond: isRate) }
    }

    /// A load measured outside the anomalous-load assessments.
    public struct Load: Hashable, Codable, Sendable {
        public var ratio: Double
        public var isGoing: Bool
    }

    /// A hypothesis as a check proposes it: its confidence is its raw score until the investigator calibrates it.
    public init(
        kind: RootCauseKind, entity: EntityRef, score: Double, summary: String, evidence: [Evidence],
        customers: [EntityRef] = []
    ) {
        self.kind = kind
        self.entity = entity
        self.score = max(0, min(1, score))
        self.confidence = self.score
        self.summary = summary
        self.evidence = evidence
        self.customers = customers
    }

    /// A hypothesis whose confidence is already known; its score is the same number.
    public init(
        kind: RootCauseKind, entity: EntityRef, confidence: Double, summary: String, evidence: [Evidence],
        customers: [EntityRef] = []
    ) {
        self.init(
            kind: kind, entity: entity, score: confidence, summary: summary, evidence: evidence, customers: customers)
    }
}

/// A recommended remediation.
public struct ActionProposal: Hashable, Codable, Sendable {
    public var action: String
    public var target: EntityRef
    /// Whether the action is registered for the target (a team is pageable when it exists).
    public var isAvailable: Bool
    public var params: [String: JSONValue]
    /// Why, and for an unavailable action, the gap.
    public var reason: String

    public init(action: String, target: EntityRef, isAvailable: Bool, params: [String: JSONValue] = [:], reason: String)
    {
        self.action = action
        self.target = target
        self.isAvailable = isAvailable
        self.params = params
        self.reason = reason
    }
}

/// An action tried during the incident that did not help, with the metrics that say so.
public struct AvoidAdvice: Hashable, Codable, Sendable {
    public var action: String
    public var target: EntityRef
    public var at: Date
    public var reason: String
    /// Recorded as not having run: kept out of the way of a blind retry, but it did not fail to help.
    public var failedToRun = false

    enum CodingKeys: String, CodingKey { case action, target, at, reason }
}

/// What the investigator concluded about an incident at one instant.
public struct Verdict: Hashable, Codable, Sendable {
    public var at: Date
    /// Ranked, best first.
    public var hypotheses: [Hypothesis]
    /// The top hypothesis when it clears the bar; nil when Muster abstains.
    public var rootCause: Hypothesis?
    /// When abstaining: what to check next.
    public var abstention: String?
    public var actions: [ActionProposal]
    public var avoid: [AvoidAdvice]
    /// Actions tried that did help or could not be judged yet, in words.
    public var tried: [String]
    public var customers: [EntityRef]
    /// Alerting services and resources.
    public var services: [EntityRef]
    public var teams: [EntityRef]
    public var notified: [EntityRef]
    /// Hypotheses that failed or ran out of time, in words; never fatal.
    public var problems: [String]
    /// Why a remedy is not offered, in words ("the burst ended at 13:57; backlog draining").
    public var notes: [String] = []
}
