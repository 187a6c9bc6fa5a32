import Foundation
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// Whether the load signal `load` of `ref` rose by the deviation rule (`sigmas` and `relative_change`), not only
    /// by the spike ratio: a caller that sent 1.6x sent more all the same.
    func loadRose(_ load: SignalAssessment, of ref: EntityRef) -> Bool {
        if load.isAnomalous && load.peak > load.baseline { return true }
        var relaxed = SignalAnalyzer(playbook: playbook)
        relaxed.loadRatio = 1 + playbook.relativeChange
        guard let samples = self.samples[ref]?[load.signal.name],
            let rise = relaxed.assess(samples, signal: load.signal, entity: ref, reference: facts.firstOnset)
        else { return false }
        return rise.isAnomalous && rise.peak > rise.baseline
    }

    /// Whether `ref` measures its load and none of it rose (``loadRose(_:of:)``).
    func hasFlatLoad(_ ref: EntityRef) -> Bool {
        let loads = (assessments[ref] ?? []).filter { $0.signal.type == .load }
        return !loads.isEmpty && !loads.contains { loadRose($0, of: ref) }
    }

    /// Whether `caller` sent `upstream` no more than before: `upstream` measures its load and none of it rose, nor
    /// did any load `caller` measures (``loadRose(_:of:)``). A change of `caller` then reached `upstream` through no
    /// extra work (a log level raised at the same traffic).
    func loadUnmoved(from caller: EntityRef, into upstream: EntityRef) -> Bool {
        hasFlatLoad(upstream)
            && !(assessments[caller] ?? []).contains { $0.signal.type == .load && loadRose($0, of: caller) }
    }
}
