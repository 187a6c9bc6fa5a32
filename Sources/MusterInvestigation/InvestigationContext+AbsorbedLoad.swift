import Foundation
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// An earlier rise of `entity`'s load, before `before`, that the system absorbed: it reached
    /// `absorbedShare` of the current rise or more for `absorbedRun` samples in a row, and every symptom failing
    /// now on `symptomatic` (latency, errors, health, lag) stayed within a quarter of its current deviation from
    /// its baseline meanwhile. Nil when there was none, or when no failing symptom was measured to tell.
    ///
    /// The same burst served well before a change and breaking things after it says the change took the headroom
    /// away: the load only exposed it.
    func absorbedRise(
        of entity: EntityRef, before: Date, symptomatic: Set<EntityRef>
    ) -> (at: Date, ratio: Double, symptoms: [String])? {
        guard
            let load = (assessments[entity] ?? []).filter({ $0.signal.type == .load && $0.isAnomalous })
                .max(by: { $0.ratio < $1.ratio }),
            load.baseline > 0, load.ratio > 1,
            let series = samples[entity]?[load.signal.name]
        else { return nil }
        let felt: Set<SignalType> = [.latency, .errors, .health, .lag]
        let symptoms = symptomatic.sorted().flatMap { ref in
            (assessments[ref] ?? []).filter {
                felt.contains($0.signal.type) && $0.isAnomalous && $0.peak != $0.baseline
            }
            .map { (ref, $0) }
        }
        guard !symptoms.isEmpty else { return nil }
        let level = load.baseline * load.ratio * Self.absorbedShare
        var run: [Sample] = []
        var found: (at: Date, ratio: Double)?
        for sample in series.sorted(by: { $0.time < $1.time }) where sample.time < before {
            guard sample.value >= level else {
                if run.count >= Self.absorbedRun, quiet(symptoms, from: run[0].time, to: run[run.count - 1].time) {
                    found = (run[0].time, (run.map(\.value).max() ?? 0) / load.baseline)
                }
                run = []
                continue
            }
            run.append(sample)
        }
        guard let found else { return nil }
        return (found.at, found.ratio, symptoms.map { "\($0.0)'s \($0.1.signal.name)" })
    }

    /// Every symptom stayed within a quarter of its current deviation from its baseline from `from` to `to`.
    private func quiet(_ symptoms: [(EntityRef, SignalAssessment)], from: Date, to: Date) -> Bool {
        symptoms.allSatisfy { ref, symptom in
            let values = (samples[ref]?[symptom.signal.name] ?? []).filter { $0.time >= from && $0.time <= to }
            guard !values.isEmpty else { return false }
            let deviation = symptom.peak - symptom.baseline
            return values.allSatisfy { ($0.value - symptom.baseline) / deviation < 0.25 }
        }
    }

    /// How large an earlier rise must be, as a share of the current one, to count as the same load.
    static let absorbedShare = 0.8
    /// How many samples in a row an earlier rise must last (the sustained-onset rule).
    static let absorbedRun = 3
}
