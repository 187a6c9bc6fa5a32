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
        let everyone = Set(facts.alerting).union(upstreams.keys).union(siblings.keys)
        let reference = facts.firstOnset
        let read = await withTaskGroup(of: (EntityRef, [SignalAssessment], [String: [Sample]]).self) { group in
            for ref in everyone {
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
        return InvestigationContext(
            facts: facts, lake: lake, metrics: metrics, playbook: playbook, upstreams: upstreams,
            siblings: siblings, assessments: read.0, samples: read.1)
    }
}
