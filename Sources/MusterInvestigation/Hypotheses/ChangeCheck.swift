import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

/// A deploy (or a config change) on an alerting entity or an upstream, before the symptoms.
///
/// It counts when the changed entity's own signals turned bad shortly after it; a change followed by
/// flat signals, or by an onset long after, is evidence against. With no signals to check, only
/// timing and topology speak, at lower confidence.
struct ChangeCheck: HypothesisCheck {
    let kind: RootCauseKind

    private struct Candidate {
        var target: EntityRef
        var at: Date
        var words: String
    }

    func evaluate(_ context: InvestigationContext) async throws -> [Hypothesis] {
        let suspects = Set(context.facts.alerting).union(context.upstreams.keys)
        let symptoms = context.symptomOnset
        let from = symptoms.addingTimeInterval(-context.playbook.changeLookBack)
        let to = min(symptoms.addingTimeInterval(120), context.facts.now)
        let candidates: [Candidate]
        if kind == .deployment {
            candidates = context.lake.deployments(on: suspects, from: from, to: to).map {
                Candidate(target: $0.target, at: $0.at, words: "deployed \($0.version ?? "a new version")" + ($0.by.map { " by \($0)" } ?? ""))
            }
        } else {
            candidates = context.lake.changes(on: suspects, from: from, to: to).map {
                Candidate(target: $0.target, at: $0.at, words: "changed: \($0.summary)" + ($0.by.map { " by \($0)" } ?? ""))
            }
        }
        var best: [EntityRef: Hypothesis] = [:]
        for candidate in candidates {
            let hypothesis = judge(candidate, context: context, symptoms: symptoms)
            if let known = best[candidate.target], known.score >= hypothesis.score { continue }
            best[candidate.target] = hypothesis
        }
        return Array(best.values)
    }

    /// An upstream of `target` whose own fault began no later than `onset`, if any.
    private func failedFirst(upstreamOf target: EntityRef, before onset: Date, context: InvestigationContext)
        -> (ref: EntityRef, fault: SignalAssessment)?
    {
        let upstreams = context.lake.dependencies(of: target, depth: context.playbook.upstreamDepth, asOf: nil)
        for hit in upstreams {
            if let fault = context.faults(of: hit.ref).first, let start = fault.onset, start <= onset {
                return (hit.ref, fault)
            }
        }
        return nil
    }

    private func judge(_ candidate: Candidate, context: InvestigationContext, symptoms: Date) -> Hypothesis {
        let target = candidate.target
        var covered = context.covered(by: target)
        if context.facts.alerting.contains(target) { covered.insert(target) }
        let coverage = Double(covered.count) / Double(context.alertingCount)
        let lead = symptoms.timeIntervalSince(candidate.at)
        var evidence = [Evidence("\(target) \(candidate.words) at \(Timestamp.clockTime(candidate.at)), \(DurationText.format(max(0, lead))) before the first symptom")]
        let own = context.assessments[target] ?? []
        let faults = context.faults(of: target)
        let window = context.playbook.alignmentWindow
        var score: Double
        if let aligned = faults.first(where: { fault in
            guard let onset = fault.onset else { return false }
            let after = onset.timeIntervalSince(candidate.at)
            return after >= -90 && after <= window
        }) {
            score = 0.55 + 0.3 * coverage + (lead <= 15 * 60 ? 0.1 : 0.05)
            evidence.append(Evidence("\(target): \(aligned.summary), \(DurationText.format(max(0, aligned.onset!.timeIntervalSince(candidate.at)))) after it"))
            if let upstream = failedFirst(upstreamOf: target, before: aligned.onset!, context: context) {
                score *= 0.45
                evidence.append(Evidence("but \(upstream.ref) failed first (\(upstream.fault.signal.name) since \(Timestamp.clockTime(upstream.fault.onset!))): \(target) is downstream of that failure", against: true))
            }
            if let recovered = aligned.recoveredAt {
                evidence.append(Evidence("\(target) recovered at \(Timestamp.clockTime(recovered))"))
            }
        } else if let late = faults.first, let onset = late.onset {
            score = 0.12
            evidence.append(Evidence("\(target)'s \(late.signal.name) turned bad only \(DurationText.format(onset.timeIntervalSince(candidate.at))) after it, with the other symptoms", against: true))
        } else if !own.isEmpty {
            score = 0.08
            let flat = own.filter { $0.signal.type != .load }.first ?? own[0]
            evidence.append(Evidence("\(target)'s \(flat.signal.name) is flat since (\(SignalAssessment.format(flat.current)))", against: true))
        } else {
            // Nothing of its own to confirm or refute it: timing and topology only, never a certainty. The
            // services below it turning bad within the alignment window after it is the best that is left.
            score = 0.2 + 0.2 * coverage + (lead <= 15 * 60 ? 0.15 : 0)
            evidence.append(Evidence("\(target) has no signals to confirm it", against: true))
            let below = covered.subtracting([target]).compactMap { context.faultOnset(of: $0) }
            if let first = below.min(), let last = below.max(), first >= candidate.at.addingTimeInterval(-90),
                last <= candidate.at.addingTimeInterval(window)
            {
                score += 0.15
                evidence.append(
                    Evidence(
                        "the services below it turned bad \(DurationText.format(max(0, first.timeIntervalSince(candidate.at)))) "
                            + "to \(DurationText.format(max(0, last.timeIntervalSince(candidate.at)))) after it"))
            }
        }
        if coverage < 1 {
            evidence.append(Evidence("explains \(context.coverageWords(covered))", against: coverage < 0.5))
        } else if covered.count > 1 || !context.facts.alerting.contains(target) {
            evidence.append(Evidence("every alerting entity is \(target) or depends on it"))
        }
        let title = context.title(target)
        let summary = kind == .deployment
            ? "\(title) \(candidate.words) \(DurationText.format(max(0, lead))) before the symptoms"
            : "\(title) \(candidate.words)"
        return Hypothesis(kind: kind, entity: target, score: score, summary: summary, evidence: evidence)
    }
}
