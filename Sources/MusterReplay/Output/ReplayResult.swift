public import Foundation
import MusterModel
public import MusterPipeline

/// One expectation check and its outcome.
public struct CheckResult: Sendable, Encodable {
    public var check: String
    public var passed: Bool
    public var detail: String
}

/// The outcome of replaying one scenario: `muster replay --json` prints this.
public struct ReplayResult: Sendable, Encodable {
    public var scenario: String
    public var passed: Bool
    public var incidents: [IncidentOutput]
    public var checks: [CheckResult]
    /// What Muster did and when.
    public var timeline: [PipelineEvent]
    /// Events the pipeline could not take (malformed payloads), with file and line.
    public var errors: [String]
    public var start: Date
    /// The scenario's expected groups (each expected incident's events; each unrelated event alone).
    public var expectedGroups: Set<[String]> = []
    /// The hypotheses of every expected incident that names a root cause, labelled right or wrong (for calibration).
    public var labelled: [LabelledHypothesis] = []

    enum CodingKeys: String, CodingKey { case scenario, passed, incidents, checks, timeline, errors }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(scenario, forKey: .scenario)
        try container.encode(passed, forKey: .passed)
        try container.encode(incidents, forKey: .incidents)
        try container.encode(checks, forKey: .checks)
        try container.encode(timeline.map { "\(Timestamp.format($0.at)) \($0.text)" }, forKey: .timeline)
        try container.encode(errors, forKey: .errors)
    }
}
