public import Foundation
public import MusterInvestigation
public import MusterModel

/// Two open incidents whose confident root cause is the same traffic spike from the same customer or org are one
/// incident, even when the services they page share nothing in the catalog: the customer is the shared cause.
///
/// Correlation cannot see it (it reads only the catalog and the trouble of each entity); the investigation can,
/// because it splits each service's load by tenant. Only a confident verdict on both sides counts, and only for
/// incidents whose first alerts are within `window` of each other.
public struct SharedSourceMerge: Sendable {
    /// What the rule needs to know of an open incident.
    public struct Candidate: Sendable {
        public var id: IncidentID
        public var firstOnset: Date
        public var rootCause: Hypothesis?

        public init(id: IncidentID, firstOnset: Date, rootCause: Hypothesis?) {
            self.id = id
            self.firstOnset = firstOnset
            self.rootCause = rootCause
        }
    }

    public var window: TimeInterval

    public init(window: TimeInterval) { self.window = window }

    /// The incident among `others` that `incident` shares its source with, earliest opened first; nil if none.
    public func partner(of incident: Candidate, among others: [Candidate]) -> Candidate? {
        guard let source = Self.source(of: incident) else { return nil }
        return others.filter {
            $0.id != incident.id && Self.source(of: $0) == source
                && abs($0.firstOnset.timeIntervalSince(incident.firstOnset)) <= window
        }.min { $0.id < $1.id }
    }

    /// The customer or org a confident traffic-spike root cause names.
    static func source(of candidate: Candidate) -> EntityRef? {
        guard let cause = candidate.rootCause, cause.kind == .trafficSpike,
            ["customer", "org"].contains(cause.entity.kind)
        else { return nil }
        return cause.entity
    }
}
