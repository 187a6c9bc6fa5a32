public import MusterModel

/// How the playbook pursues one kind of hypothesis: whether, for which alerts, how strongly, on which signals.
public struct HypothesisRule: Hashable, Sendable {
    /// False turns the hypothesis off.
    public var isEnabled: Bool
    /// Multiplies the hypothesis' raw score (the result is capped at 1), before calibration.
    public var weight: Double
    /// The alerts the hypothesis is pursued for; the hypothesis is skipped when the incident does not match.
    public var when: AlertSignature
    /// The signals the hypothesis reads; nil reads every signal of the incident's neighbourhood.
    /// Infrastructure is proposed by the dependency check, so the `dependency` rule's `reads` apply to it.
    public var reads: SignalSelection?

    public init(
        isEnabled: Bool = true, weight: Double = 1, when: AlertSignature = AlertSignature(),
        reads: SignalSelection? = nil
    ) {
        self.isEnabled = isEnabled
        self.weight = weight
        self.when = when
        self.reads = reads
    }
}

/// An alert signature: which incidents a hypothesis is pursued for.
///
/// Every condition that is set must hold (an unset one always holds):
/// - `alertNames`: one alert's name (its `alertname` label, else its title) contains a match of one pattern;
/// - `labels`: that same alert has every listed label, each value containing a match of its pattern;
/// - `symptoms` / `signals`: one alerting entity has an anomalous signal whose type is in `symptoms` or
///   whose name is in `signals`.
public struct AlertSignature: Hashable, Sendable {
    /// Regular expressions searched in alert names.
    public var alertNames: [String]
    /// Label name to a regular expression searched in its value.
    public var labels: [String: String]
    /// Signal types that must be anomalous on an alerting entity.
    public var symptoms: Set<SignalType>
    /// Signal names that must be anomalous on an alerting entity.
    public var signals: Set<String>

    public init(
        alertNames: [String] = [], labels: [String: String] = [:], symptoms: Set<SignalType> = [],
        signals: Set<String> = []
    ) {
        self.alertNames = alertNames
        self.labels = labels
        self.symptoms = symptoms
        self.signals = signals
    }

    /// Whether no condition is set.
    public var isUnconditional: Bool { alertNames.isEmpty && labels.isEmpty && symptoms.isEmpty && signals.isEmpty }

    /// Whether one of `alerts` satisfies the name and label conditions. Invalid patterns never match
    /// (the loader rejects them).
    public func matches(_ alerts: [Alert]) -> Bool {
        if alertNames.isEmpty && labels.isEmpty { return true }
        let names = alertNames.compactMap { try? Regex($0) }
        let labelPatterns = labels.compactMapValues { try? Regex($0) }
        return alerts.contains { alert in
            let nameMatches = names.isEmpty || names.contains { alert.name.contains($0) }
            let labelsMatch = labelPatterns.allSatisfy { key, pattern in alert.labels[key]?.contains(pattern) ?? false }
            return nameMatches && labelsMatch
        }
    }

    /// Whether `anomalous` (the anomalous signals of the alerting entities) satisfies the symptom conditions.
    public func matches(anomalous: [SignalSpec]) -> Bool {
        if symptoms.isEmpty && signals.isEmpty { return true }
        return anomalous.contains { symptoms.contains($0.type) || signals.contains($0.name) }
    }
}

/// A choice of signals: those of the listed types, names or metrics.
public struct SignalSelection: Hashable, Sendable {
    public var types: Set<SignalType>
    public var names: Set<String>
    public var metrics: Set<String>

    public init(types: Set<SignalType> = [], names: Set<String> = [], metrics: Set<String> = []) {
        self.types = types
        self.names = names
        self.metrics = metrics
    }

    public func contains(_ signal: SignalSpec) -> Bool {
        types.contains(signal.type) || names.contains(signal.name) || metrics.contains(signal.metric)
    }
}
