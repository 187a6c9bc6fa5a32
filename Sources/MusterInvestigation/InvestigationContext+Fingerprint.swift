import Foundation
import MusterLake
import MusterModel

extension InvestigationContext {
    /// Dates a creep that began within `fingerprintGap` of a deploy or change of its entity from the creep again.
    ///
    /// The analyzer dates a run that crept mildly and then stepped much higher from the step (``SignalAnalyzer``):
    /// a creep alone is a condition. But a creep that began in the very minute of a change of the entity is that
    /// change's fingerprint (a new version slower from the minute it landed), and the step is the same fault
    /// reaching its limit, unless an upstream of the entity began to fail after the creep, by the step: that
    /// failure made the step, and the step keeps the date.
    static func keepFingerprints(
        _ assessments: inout [EntityRef: [SignalAssessment]], lake: any LakeReader, depth: Int
    ) {
        for (ref, list) in assessments {
            for (index, assessment) in list.enumerated() {
                guard let crept = assessment.creptSince, let step = assessment.onset else { continue }
                let from = crept.addingTimeInterval(-fingerprintGap)
                let to = crept.addingTimeInterval(fingerprintGap)
                guard
                    let change = lake.deployments(on: [ref], from: from, to: to).map(\.at).first
                        ?? lake.changes(on: [ref], from: from, to: to).map(\.at).first
                else { continue }
                let upstreamStep = lake.dependencies(of: ref, depth: depth, asOf: nil).contains { hit in
                    (assessments[hit.ref] ?? []).contains { fault in
                        guard fault.signal.type != .load, let onset = fault.onset else { return false }
                        return onset > crept.addingTimeInterval(fingerprintGap)
                            && onset <= step.addingTimeInterval(fingerprintGap)
                    }
                }
                guard !upstreamStep else { continue }
                var kept = assessment
                kept.steppedAt = step
                kept.onset = crept
                kept.fingerprintOf = change
                assessments[ref]?[index] = kept
            }
        }
    }

    /// How close to a change of its entity a creep must begin to be that change's fingerprint.
    static let fingerprintGap: TimeInterval = 60
}
