public import Foundation
public import MusterInvestigation
public import MusterLake
public import MusterModel
public import MusterTelemetry

/// Reads the signals of an alerting entity and its upstreams when an alert arrives, for the correlator.
///
/// Results are cached per entity and minute, so an alert storm on one service reads its metrics once.
public actor TroubleProbe {
    let lake: any LakeReader
    let metrics: any MetricSource
    let analyzer: SignalAnalyzer
    let depth: Int
    private var cache: [CacheKey: (Trouble, Set<SignalType>)] = [:]
    /// Upstreams per entity; cleared with `catalogChanged()`.
    private var upstreams: [EntityRef: [EntityRef]] = [:]

    /// Forgets cached topology after a catalog upsert.
    public func catalogChanged() { upstreams = [:] }

    private struct CacheKey: Hashable {
        var entity: EntityRef
        var minute: Int
    }

    public init(lake: any LakeReader, metrics: any MetricSource, analyzer: SignalAnalyzer = SignalAnalyzer(), depth: Int = 3) {
        self.lake = lake
        self.metrics = metrics
        self.analyzer = analyzer
        self.depth = depth
    }

    /// Trouble of `entity` and each upstream at `now`, and the anomalous signal types of `entity` itself.
    public func probe(_ entity: EntityRef, now: Date) async -> (trouble: [EntityRef: Trouble], symptoms: Set<SignalType>) {
        var trouble: [EntityRef: Trouble] = [:]
        let own = await assess(entity, now: now)
        trouble[entity] = own.0
        if upstreams[entity] == nil {
            upstreams[entity] = lake.dependencies(of: entity, depth: depth, asOf: nil).map(\.ref)
        }
        for upstream in upstreams[entity] ?? [] {
            trouble[upstream] = await assess(upstream, now: now).0
        }
        return (trouble, own.1)
    }

    private func assess(_ ref: EntityRef, now: Date) async -> (Trouble, Set<SignalType>) {
        let key = CacheKey(entity: ref, minute: Int(now.timeIntervalSince1970 / 60))
        if let cached = cache[key] { return cached }
        let signals = lake.entity(ref, asOf: nil)?.signals ?? []
        var result: (Trouble, Set<SignalType>) = (.unknown, [])
        if !signals.isEmpty {
            var faults: [SignalAssessment] = []
            var loads: [SignalAssessment] = []
            for signal in signals {
                guard let assessment = await analyzer.assess(signal, of: ref, reference: now, now: now, source: metrics),
                    assessment.isAnomalous
                else { continue }
                if signal.type == .load { loads.append(assessment) } else { faults.append(assessment) }
            }
            if let fault = faults.first {
                result = (.anomalous("\(fault.signal.name) \(SignalAssessment.format(fault.baseline)) -> \(SignalAssessment.format(fault.current))"), Set(faults.map(\.signal.type)))
            } else if let load = loads.first {
                result = (.loadShift("\(load.signal.name) \(SignalAssessment.format(load.ratio))x"), [])
            } else {
                result = (.healthy, [])
            }
        }
        cache[key] = result
        if cache.count > 50_000 { cache.removeAll(keepingCapacity: true) }
        return result
    }
}
