import Foundation
import MusterLake
import MusterModel
import MusterTelemetry

extension InvestigationContext {
    /// An alerting caller of an alerting entity sits below everything that entity sits below: the depth limit
    /// counts silent hops from the nearest alerting entity, not from the top of a chain of alerting ones.
    static func inheritUpstreams(
        _ upstreams: inout [EntityRef: (distance: Int, below: Set<EntityRef>)], alerting: [EntityRef]
    ) {
        var changed = true
        while changed {
            changed = false
            for callee in alerting {
                let callers = upstreams[callee]?.below ?? []
                guard !callers.isEmpty else { continue }
                for (ref, entry) in upstreams where entry.below.contains(callee) {
                    let inherited = callers.subtracting([ref])
                    guard !inherited.isSubset(of: entry.below) else { continue }
                    upstreams[ref]?.below.formUnion(inherited)
                    changed = true
                }
            }
        }
    }

    /// Collects the neighbourhood of `facts` and assesses every signal in it, one child task per entity.
    static func build(
        facts: IncidentFacts, lake: any LakeReader, metrics: any MetricSource, playbook: Playbook,
        analyzer: SignalAnalyzer
    ) async -> InvestigationContext {
        var upstreams: [EntityRef: (distance: Int, below: Set<EntityRef>)] = [:]
        for entity in facts.alerting {
            for hit in lake.dependencies(of: entity, depth: playbook.upstreamDepth, asOf: nil) {
                var entry = upstreams[hit.ref] ?? (hit.distance, [])
                entry.distance = min(entry.distance, hit.distance)
                entry.below.insert(entity)
                upstreams[hit.ref] = entry
            }
        }
        inheritUpstreams(&upstreams, alerting: facts.alerting)
        let total = max(1, lake.count(ofKind: "service") + lake.count(ofKind: "resource"))
        var siblings: [EntityRef: EntityRef] = [:]
        for (upstream, _) in upstreams where upstream.kind == "resource" {
            let dependents = lake.dependents(of: upstream, depth: 1, asOf: nil)
            guard Double(dependents.count) / Double(total) < playbook.hubShare || dependents.count <= 6 else {
                continue
            }
            for hit in dependents where !facts.alerting.contains(hit.ref) && upstreams[hit.ref] == nil {
                let hasLoad = lake.entity(hit.ref, asOf: nil)?.signals.contains { $0.type == .load } ?? false
                if hasLoad { siblings[hit.ref] = upstream }
            }
        }
        // Beside an upstream that measures nothing, its other callers that do are the only witnesses of it.
        var witnesses: [EntityRef: EntityRef] = [:]
        for (upstream, _) in upstreams where (lake.entity(upstream, asOf: nil)?.signals ?? []).isEmpty {
            let dependents = lake.dependents(of: upstream, depth: 1, asOf: nil)
            guard dependents.count <= 6 else { continue }
            for hit in dependents where !facts.alerting.contains(hit.ref) && upstreams[hit.ref] == nil {
                if !(lake.entity(hit.ref, asOf: nil)?.signals ?? []).isEmpty { witnesses[hit.ref] = upstream }
            }
        }
        let everyone = Set(facts.alerting).union(upstreams.keys).union(siblings.keys).union(witnesses.keys)
        var (assessments, samples) = await assess(
            everyone, facts: facts, lake: lake, metrics: metrics, analyzer: analyzer)
        // A chain of failing upstreams is followed past the depth limit, one hop at a time, while the last hop
        // is failing: a database four hops below the pages is still their cause.
        var frontier = upstreams.filter { $0.value.distance == playbook.upstreamDepth }.map(\.key)
        func isFailing(_ ref: EntityRef) -> Bool { (assessments[ref] ?? []).contains { $0.isAnomalous } }
        for _ in 0..<Self.extraHops {
            // A hop without signals is passed through when what depends on it is failing.
            let failing = frontier.filter { ref in
                isFailing(ref)
                    || (assessments[ref] ?? []).isEmpty
                        && lake.dependents(of: ref, depth: 1, asOf: nil).contains { isFailing($0.ref) }
            }
            var next: [EntityRef] = []
            for ref in failing {
                guard let entry = upstreams[ref] else { continue }
                for hit in lake.dependencies(of: ref, depth: 1, asOf: nil) where upstreams[hit.ref] == nil {
                    if !facts.alerting.contains(hit.ref) { next.append(hit.ref) }
                    upstreams[hit.ref] = (entry.distance + 1, entry.below)
                }
            }
            guard !next.isEmpty else { break }
            let more = await assess(Set(next), facts: facts, lake: lake, metrics: metrics, analyzer: analyzer)
            assessments.merge(more.0) { old, _ in old }
            samples.merge(more.1) { old, _ in old }
            frontier = next
        }
        observe(upstreams.keys, lake: lake, assessments: &assessments, samples: &samples)
        keepFingerprints(&assessments, lake: lake, depth: playbook.upstreamDepth)
        var context = InvestigationContext(
            facts: facts, lake: lake, metrics: metrics, playbook: playbook, upstreams: upstreams,
            siblings: siblings, assessments: assessments, samples: samples)
        context.witnesses = witnesses
        context.tenants = await tenantsActedOn(
            everyone, facts: facts, from: context.symptomOnset, lake: lake, metrics: metrics)
        context.tenantLoadRose = await tenantLoadRose(facts: facts, lake: lake, metrics: metrics, playbook: playbook)
        context.judged = ActionJudge(context: context).judge()
        return context
    }

    /// How many hops a chain of failing upstreams is followed beyond `upstream_depth`.
    static let extraHops = 4

    /// Reads and assesses every signal of `refs`, one child task per entity.
    private static func assess(
        _ refs: Set<EntityRef>, facts: IncidentFacts, lake: any LakeReader, metrics: any MetricSource,
        analyzer: SignalAnalyzer
    ) async -> ([EntityRef: [SignalAssessment]], [EntityRef: [String: [Sample]]]) {
        let reference = facts.firstOnset
        return await withTaskGroup(of: (EntityRef, [SignalAssessment], [String: [Sample]]).self) { group in
            for ref in refs {
                let signals = lake.entity(ref, asOf: nil)?.signals ?? []
                guard !signals.isEmpty else { continue }
                group.addTask {
                    var results: [SignalAssessment] = []
                    var read: [String: [Sample]] = [:]
                    let from = reference.addingTimeInterval(-(analyzer.baselineSpan + analyzer.baselineGap))
                    for signal in signals {
                        guard let samples = try? await metrics.values(of: signal, from: from, to: facts.now) else {
                            continue
                        }
                        let upToNow = samples.filter { $0.time <= facts.now }
                        read[signal.name] = upToNow
                        if let assessment = analyzer.assess(upToNow, signal: signal, entity: ref, reference: reference)
                        {
                            results.append(assessment)
                        }
                    }
                    return (ref, results, read)
                }
            }
            var collected: [EntityRef: [SignalAssessment]] = [:]
            var samples: [EntityRef: [String: [Sample]]] = [:]
            for await (ref, results, read) in group {
                collected[ref] = results
                samples[ref] = read
            }
            return (collected, samples)
        }
    }
}
