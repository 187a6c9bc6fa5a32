import MusterLake
import MusterModel

extension InvestigationContext {
    /// Whether the playbook pursues hypotheses of `kind` for this incident: an enabled rule whose
    /// signature matches the incident's alerts and its alerting entities' anomalous signals.
    func pursues(_ kind: RootCauseKind) -> Bool {
        guard let rule = playbook.hypotheses[kind], rule.isEnabled else { return false }
        guard rule.when.matches(facts.alerts) else { return false }
        let anomalous = facts.alerting.flatMap { (assessments[$0] ?? []).filter(\.isAnomalous).map(\.signal) }
        return rule.when.matches(anomalous: anomalous)
    }

    /// Whether the check that proposes `kind` runs: the dependency check also proposes infrastructure.
    func runsCheck(of kind: RootCauseKind) -> Bool {
        kind == .dependency ? pursues(.dependency) || pursues(.infrastructure) : pursues(kind)
    }

    /// This context with only the signals the rule of `kind` reads.
    func reading(for kind: RootCauseKind) -> InvestigationContext {
        guard let selection = playbook.hypotheses[kind]?.reads else { return self }
        var scoped = self
        scoped.assessments = assessments.mapValues { $0.filter { selection.contains($0.signal) } }
        scoped.samples = Dictionary(
            uniqueKeysWithValues: samples.map { ref, read in
                let names = Set((lake.entity(ref, asOf: nil)?.signals ?? []).filter(selection.contains).map(\.name))
                return (ref, read.filter { names.contains($0.key) })
            })
        return scoped
    }

    /// Hypotheses of pursued kinds only, each score multiplied by its kind's weight (capped at 1).
    func weighed(_ hypotheses: [Hypothesis]) -> [Hypothesis] {
        hypotheses.compactMap { hypothesis in
            guard pursues(hypothesis.kind), let rule = playbook.hypotheses[hypothesis.kind] else { return nil }
            guard rule.weight != 1 else { return hypothesis }
            var weighed = hypothesis
            weighed.score = min(1, hypothesis.score * rule.weight)
            weighed.confidence = weighed.score
            return weighed
        }
    }
}

extension SignalAnalyzer {
    /// An analyzer with the playbook's thresholds and windows.
    public init(playbook: Playbook) {
        self.init()
        sigmas = playbook.sigmas
        relativeChange = playbook.relativeChange
        errorFloor = playbook.errorFloor
        loadRatio = playbook.loadRatio
        sustain = playbook.sustain
        exhaustedLevel = playbook.exhaustedLevel
        baselineSpan = playbook.baselineSpan
        baselineGap = playbook.baselineGap
        lookBack = playbook.onsetLookBack
    }
}
