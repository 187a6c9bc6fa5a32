public import Foundation

/// Tunables of the correlator; the defaults are what the engine ships with, a skill file may override them.
public struct CorrelationPolicy: Sendable {
    /// A link score at or above this joins an alert to an incident.
    public var joinThreshold = 0.45
    /// Alerts whose onsets are this close get the full time weight.
    public var closeOnset: TimeInterval = 10 * 60
    /// Beyond this onset gap, topology alone no longer joins (through a shared cause still failing at arrival,
    /// the gap runs from the start of its trouble).
    public var farOnset: TimeInterval = 60 * 60
    /// The same alert of the same entity reopens a resolved incident within this window.
    public var reopenWindow: TimeInterval = 30 * 60
    /// How deep the correlator looks upstream of an alerting entity.
    public var upstreamDepth = 3
    /// An entity that this share of the catalog depends on is a hub: weak evidence unless it shows trouble.
    public var hubShare = 0.3
    /// ...and at least this many entities depend on it (in a small catalog everything is "half").
    public var hubMinimum = 8
    /// A deploy or change this recent on an upstream makes it a suspect.
    public var recentChange: TimeInterval = 3 * 3600
    /// A deploy or change of an upstream whose own signals are normal still ties two of its direct callers that
    /// both turned bad within this after it (a changed contract breaks the callers, not the service).
    public var callersBreakWindow: TimeInterval = 10 * 60
    /// Two failing callers with nothing else to explain them meet at an upstream without signals when they turned
    /// bad within this of each other.
    public var silentMeetingWindow: TimeInterval = 3 * 60
    /// A dependent whose trouble began more than this before its upstream's did was not hurt by that upstream
    /// (allowing for scrape and evaluation jitter).
    public var causeLead: TimeInterval = 2 * 60
    /// A caller still well this long after an upstream's trouble began rode it out: when it breaks right after
    /// another upstream's trouble began, it sides with that one.
    public var rideThrough: TimeInterval = 5 * 60
    /// An alert of the same name on the same entity from another source within this window is the same alert.
    public var crossSourceWindow: TimeInterval = 15 * 60

    /// Regular expressions on an alert's name, title or label values that mark a reminder (a deadline announced,
    /// no failure reported): it is kept in an incident of its own. The pipeline takes them from the playbook.
    public var reminderPatterns: [String] = []

    /// Forget incidents this long after they resolved (nil keeps them all, as replay does); a server
    /// sets it so memory is bounded by open incidents, the store keeping the history.
    public var forgetResolvedAfter: TimeInterval?

    public init() {}
}
