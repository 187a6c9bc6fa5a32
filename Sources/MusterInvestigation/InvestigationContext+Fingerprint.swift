import Foundation
import MusterLake
import MusterModel

extension InvestigationContext {
    /// Dates a fault from an earlier start within `fingerprintGap` of a deploy or change of its entity.
    ///
    /// The analyzer dates a run from its latest episode, and a run that crept mildly and then stepped much higher
    /// from the step (``SignalAnalyzer``): an old episode or a creep alone is not this failure. But one that began
    /// within 2 minutes of a change of the entity is that change's fingerprint (a new version slower from the
    /// minute it landed; a leak that fills a pool, is reset by restarts and fills it again), and what followed is
    /// the same fault, unless an upstream of the entity began to fail after that start, by the later one: that
    /// failure made the later one, which keeps the date.
    static func keepFingerprints(
        _ assessments: inout [EntityRef: [SignalAssessment]], lake: any LakeReader, depth: Int
    ) {
        for (ref, list) in assessments {
            for (index, assessment) in list.enumerated() {
                guard let later = assessment.onset else { continue }
                let starts = [assessment.firstEpisode, assessment.creptSince].compactMap { $0 }.filter { $0 < later }
                for start in starts {
                    guard let change = change(of: ref, near: start, lake: lake),
                        !upstreamFailed(
                            of: ref, after: start, by: later, assessments: assessments, lake: lake, depth: depth)
                    else { continue }
                    var kept = assessment
                    kept.onset = start
                    kept.fingerprintOf = change
                    if start == assessment.firstEpisode {
                        kept.latestEpisode = later
                    } else {
                        kept.steppedAt = later
                    }
                    assessments[ref]?[index] = kept
                    break
                }
            }
        }
    }

    /// The instant of a deploy or change of `ref` within `fingerprintGap` of `start`.
    private static func change(of ref: EntityRef, near start: Date, lake: any LakeReader) -> Date? {
        let from = start.addingTimeInterval(-fingerprintGap)
        let to = start.addingTimeInterval(fingerprintGap)
        return lake.deployments(on: [ref], from: from, to: to).map(\.at).first
            ?? lake.changes(on: [ref], from: from, to: to).map(\.at).first
    }

    /// Whether an upstream of `ref` began to fail after `start` (by more than `fingerprintGap`) and no later than
    /// `fingerprintGap` after `later`.
    private static func upstreamFailed(
        of ref: EntityRef, after start: Date, by later: Date, assessments: [EntityRef: [SignalAssessment]],
        lake: any LakeReader, depth: Int
    ) -> Bool {
        lake.dependencies(of: ref, depth: depth, asOf: nil).contains { hit in
            (assessments[hit.ref] ?? []).contains { fault in
                guard fault.signal.type != .load, let onset = fault.onset else { return false }
                return onset > start.addingTimeInterval(fingerprintGap)
                    && onset <= later.addingTimeInterval(fingerprintGap)
            }
        }
    }

    /// How close to a change of its entity a creep or a first episode must begin to be that change's fingerprint.
    static let fingerprintGap: TimeInterval = 120
}
