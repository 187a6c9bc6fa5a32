public import Foundation
public import MusterModel

/// The machine-readable part of a skill: how deep to look, thresholds, weights and remediations.
///
/// Muster ships a default (`Playbook.standard`, the same values as the embedded default skill's
/// `assets/playbook.yaml`); a team's skill folder overrides any of it (`SkillLoader`).
public struct Playbook: Hashable, Sendable {
    /// How far upstream of the alerting entities investigation looks.
    public var upstreamDepth = 3
    /// An upstream resource this share of the catalog depends on is a hub; its dependents are not siblings.
    public var hubShare = 0.3
    /// Below this confidence (the calibrated probability of the top hypothesis) Muster abstains.
    public var confidenceBar = 0.5
    /// Below the bar but from this probability up, the best candidate's remediations and owners are still
    /// offered, marked tentative; under it Muster recommends only what to check.
    public var tentativeBar = 0.15
    /// Maps each hypothesis' raw score to the probability that it is right (`calibration.points`), as
    /// `muster bench --only calibration` fitted it (docs/calibration.md).
    public var calibration = CalibrationMap([(0.08, 0.021), (0.206, 0.033), (0.578, 0.127), (0.929, 0.98)])
    /// A deploy or change is aligned with a signal whose onset falls within this after it.
    public var alignmentWindow: TimeInterval = 30 * 60
    /// How long before the symptoms a deploy or change is still considered.
    public var changeLookBack: TimeInterval = 6 * 3600
    /// How long after an action its effect is judged.
    public var judgeAfter: TimeInterval = 6 * 60
    /// When an action that adds capacity (scale-out) is looked at again, having not helped by `judgeAfter`: new
    /// replicas may take minutes to join. Twice the judging time.
    public var secondLook: TimeInterval { 2 * judgeAfter }

    /// The actions that add capacity.
    public static let capacityActions: Set<String> = ["scale-out"]

    /// The instants after `action` at which its incidents are triaged again to judge it: `judgeAfter` later, and
    /// for an action that adds capacity, at the second look too.
    public func judgingInstants(after action: ActionRecord) -> [Date] {
        let first = action.at.addingTimeInterval(judgeAfter)
        guard Self.capacityActions.contains(action.name) else { return [first] }
        return [first, action.at.addingTimeInterval(secondLook)]
    }

    /// A load increase by this factor is a spike.
    public var spikeRatio = 2.0
    /// A customer or org explaining this share of the increase is named as the source.
    public var attributionShare = 0.6
    /// The most replicas a scale-out recommendation multiplies by.
    public var maxScaleFactor = 8.0
    /// Regular expressions on an alert's name, title or label values that mark a reminder: an alert announcing a
    /// deadline (a certificate expiring in 14 days), not reporting a failure. It joins no incident and carries none.
    public var reminderAlerts = [
        "(?i)expir(es|ing|y)", "(?i)days?[ _]left", #"(?i)valid for \d+ (more )?(days?|weeks?)"#,
        #"(?i)(renews?|expires?) in \d+ (days?|weeks?)"#, #"(?i)(rotate|renew)\w* (before|by) \d{4}-\d{2}-\d{2}"#,
    ]
    /// `properties.type` words that make a failing upstream infrastructure.
    public var infrastructureTypes = ["cluster", "node", "broker", "host", "zone"]

    /// True when a word of `type` (split at anything but letters and digits) is one of `infrastructureTypes` or
    /// its plural: `kubernetes-cluster` and `availability_zone` are, an `ozone` object store is not.
    public func isInfrastructure(type: String) -> Bool {
        let words = type.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        return words.contains { word in infrastructureTypes.contains { word == $0 || word == $0 + "s" } }
    }

    /// Remediations per root-cause kind, in order of preference.
    public var remediations: [RootCauseKind: [String]] = [
        .trafficSpike: ["scale-out", "throttle"],
        .deployment: ["rollback"],
        .configChange: ["config-revert"],
        .dependency: ["failover"],
        .saturation: ["scale-out"],
        .infrastructure: ["failover"],
    ]

    // MARK: Signal analysis (`SignalAnalyzer`)

    /// A sample is anomalous beyond this many robust standard deviations of its baseline...
    public var sigmas = 5.0
    /// ...and by more than this share of the baseline median.
    public var relativeChange = 0.3
    /// An `errors` signal must also rise by at least this much, so that against a baseline of exactly zero
    /// (MAD 0) a single failed request in a thousand is not an incident. Off by default: on PetShop 0.01
    /// raised specificity but cost most right answers (docs/petshop.md).
    public var errorFloor = 0.0
    /// A load change counts when it is this factor up or down.
    public var loadRatio = 2.0
    /// Consecutive anomalous samples that make an onset.
    public var sustain = 3
    /// A saturation signal that is a ratio (its baseline within 0...1) is exhausted at or above this
    /// level however slowly it got there: a leak that grew for days shows no sudden change, but it is full.
    /// A baseline that already sat at the level without climbing is the resource's design operating point.
    public var exhaustedLevel = 0.9
    /// The baseline window's length, ending `baselineGap` before the first alert.
    public var baselineSpan: TimeInterval = 3 * 3600
    public var baselineGap: TimeInterval = 30 * 60
    /// How far before the first alert an onset may lie and still belong to the incident.
    public var onsetLookBack: TimeInterval = 2 * 3600

    // MARK: Hypotheses

    /// The hypotheses pursued, by kind: a kind without a rule (or with a disabled one) is not pursued.
    public var hypotheses: [RootCauseKind: HypothesisRule] = [
        .trafficSpike: HypothesisRule(),
        .deployment: HypothesisRule(),
        .configChange: HypothesisRule(),
        .dependency: HypothesisRule(),
        .saturation: HypothesisRule(when: AlertSignature(symptoms: [.saturation])),
        .infrastructure: HypothesisRule(),
    ]

    public init() {}

    /// The default playbook.
    public static let standard = Playbook()

    /// The base of a skill that replaces the default: built-in thresholds, no hypotheses, no remediations.
    public static let empty: Playbook = {
        var playbook = Playbook()
        playbook.hypotheses = [:]
        playbook.remediations = [:]
        return playbook
    }()
}
