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
    private var cache: [CacheKey: Probed] = [:]

    /// What one entity's signals say at one minute.
    private struct Probed {
        var trouble: Trouble
        var symptoms: Set<SignalType>
        /// The earliest onset among its anomalous (non-load) signals.
        var onset: Date?
        /// A load signal of it moved.
        var isLoadShifted = false
        /// One of its faults is still going (not recovered).
        var isOngoing = false
        /// When every fault of it is over: when the last of them recovered.
        var recoveredAt: Date?
        /// A saturation signal of it still at or above the exhausted level, in words ("disk 0.55 -> 1").
        var exhausted: String?
        /// When its latest severe fault began (a health signal down, or 5x its baseline or more).
        var severeOnset: Date?
        /// Its only faults are mild saturations while what its users feel (latency, errors, health, lag), measured,
        /// is normal: busier, not failing.
        var isBusier = false
    }
    /// Upstreams per entity; cleared with `catalogChanged()`.
    private var upstreams: [EntityRef: [GraphHit]] = [:]

    /// Forgets cached topology after a catalog upsert.
    public func catalogChanged() { upstreams = [:] }

    private struct CacheKey: Hashable {
        var entity: EntityRef
        var minute: Int
    }

    public init(
        lake: any LakeReader, metrics: any MetricSource, analyzer: SignalAnalyzer = SignalAnalyzer(), depth: Int = 3
    ) {
        self.lake = lake
        self.metrics = metrics
        self.analyzer = analyzer
        self.depth = depth
    }

    /// Trouble of `entity` and each upstream at `now`, the anomalous signal types of `entity` itself, when each
    /// one's trouble began (where its signals say), and the upstreams past the depth along a failing chain.
    public func probe(_ entity: EntityRef, now: Date) async
        -> (
            trouble: [EntityRef: Trouble], symptoms: Set<SignalType>, onsets: [EntityRef: Date], isLoadShifted: Bool,
            ongoing: Set<EntityRef>, deeper: [GraphHit], exhausted: String?, severeOnsets: [EntityRef: Date],
            busier: Set<EntityRef>, recovered: [EntityRef: Date]
        )
    {
        var trouble: [EntityRef: Trouble] = [:]
        var onsets: [EntityRef: Date] = [:]
        var ongoing: Set<EntityRef> = []
        var severeOnsets: [EntityRef: Date] = [:]
        var busier: Set<EntityRef> = []
        var recovered: [EntityRef: Date] = [:]
        let own = await assess(entity, now: now)
        if own.isOngoing { ongoing.insert(entity) }
        trouble[entity] = own.trouble
        onsets[entity] = own.onset
        if upstreams[entity] == nil {
            upstreams[entity] = lake.dependencies(of: entity, depth: depth, asOf: nil)
        }
        let near = upstreams[entity] ?? []
        for hit in near {
            let probed = await assess(hit.ref, now: now)
            trouble[hit.ref] = probed.trouble
            onsets[hit.ref] = probed.onset
            severeOnsets[hit.ref] = probed.severeOnset
            if probed.isBusier, await !isFeltByCallers(hit.ref, now: now) { busier.insert(hit.ref) }
            if probed.isOngoing { ongoing.insert(hit.ref) }
            recovered[hit.ref] = probed.recoveredAt
        }
        // A chain of failing upstreams goes on past the depth, one hop at a time, while its last hop is failing
        // (or measures nothing and what depends on it fails).
        var deeper: [GraphHit] = []
        var seen = Set(near.map(\.ref)).union([entity])
        var frontier = near.filter { $0.distance == depth }
        for _ in 0..<Self.extraHops {
            var next: [GraphHit] = []
            for hit in frontier {
                let failing =
                    trouble[hit.ref]?.isAnomalous == true
                    || trouble[hit.ref] == .unknown
                        && hit.path.dropLast().last.map { trouble[$0]?.isAnomalous == true } == true
                guard failing else { continue }
                for step in lake.dependencies(of: hit.ref, depth: 1, asOf: nil) where !seen.contains(step.ref) {
                    seen.insert(step.ref)
                    next.append(GraphHit(ref: step.ref, distance: hit.distance + 1, path: hit.path + [step.ref]))
                }
            }
            guard !next.isEmpty else { break }
            for hit in next {
                let probed = await assess(hit.ref, now: now)
                trouble[hit.ref] = probed.trouble
                onsets[hit.ref] = probed.onset
                severeOnsets[hit.ref] = probed.severeOnset
                if probed.isBusier, await !isFeltByCallers(hit.ref, now: now) { busier.insert(hit.ref) }
                if probed.isOngoing { ongoing.insert(hit.ref) }
                recovered[hit.ref] = probed.recoveredAt
            }
            deeper += next
            frontier = next
        }
        return (
            trouble, own.symptoms, onsets, own.isLoadShifted, ongoing, deeper, own.exhausted, severeOnsets, busier,
            recovered
        )
    }

    /// The tenants (`org=greyhawk-prod`, as the alert labels them) whose own traffic on `entity` rose by the load
    /// ratio or more (anomalous by the deviation rule) in the breakdown of one of its load signals: a large steady
    /// tenant dilutes the total, not the tenant's own spike. Tenants without a breakdown value are left out.
    public func tenantLoadMoved(_ entity: EntityRef, tenants: [String], now: Date) async -> Set<String> {
        guard !tenants.isEmpty else { return [] }
        var moved: Set<String> = []
        let from = now.addingTimeInterval(-(analyzer.baselineSpan + analyzer.baselineGap))
        for signal in lake.entity(entity, asOf: nil)?.signals ?? [] where signal.type == .load {
            guard let label = signal.breakdown else { continue }
            let wanted = tenants.filter { $0.hasPrefix(label + "=") }
            guard !wanted.isEmpty, let groups = try? await metrics.breakdown(of: signal, from: from, to: now) else {
                continue
            }
            for tenant in wanted {
                guard let samples = groups[String(tenant.dropFirst(label.count + 1))],
                    let own = analyzer.assess(samples, signal: signal, entity: entity, reference: now),
                    own.isAnomalous, own.peak > own.baseline, own.ratio >= analyzer.loadRatio
                else { continue }
                moved.insert(tenant)
            }
        }
        return moved
    }

    /// Whether a direct caller of `ref` times its own calls to it (a peer label names it, `peer: redis-sessions`) and
    /// that timing turned bad: the users of a busier upstream feel it (a server-side latency misses the queue in front
    /// of a pegged single thread).
    private func isFeltByCallers(_ ref: EntityRef, now: Date) async -> Bool {
        for hit in lake.dependents(of: ref, depth: 1, asOf: nil) {
            for signal in lake.entity(hit.ref, asOf: nil)?.signals ?? []
            where Self.felt.contains(signal.type) && InvestigationContext.names(signal, peer: ref) {
                let assessed = await analyzer.assess(signal, of: hit.ref, reference: now, now: now, source: metrics)
                if assessed?.isAnomalous == true { return true }
            }
        }
        return false
    }

    /// How many hops a chain of failing upstreams is followed past the depth (as the investigation does).
    static let extraHops = 4

    private func assess(_ ref: EntityRef, now: Date) async -> Probed {
        let key = CacheKey(entity: ref, minute: Int(now.timeIntervalSince1970 / 60))
        if let cached = cache[key] { return cached }
        let signals = lake.entity(ref, asOf: nil)?.signals ?? []
        var result = Probed(trouble: .unknown, symptoms: [], onset: nil)
        if !signals.isEmpty {
            var faults: [SignalAssessment] = []
            var loads: [SignalAssessment] = []
            var isFeltMeasured = false
            for signal in signals {
                guard
                    let assessment = await analyzer.assess(signal, of: ref, reference: now, now: now, source: metrics)
                else { continue }
                if Self.felt.contains(signal.type) { isFeltMeasured = true }
                guard assessment.isAnomalous else { continue }
                if signal.type == .load { loads.append(assessment) } else { faults.append(assessment) }
            }
            if let fault = faults.first {
                result = Probed(
                    trouble: .anomalous(Self.words(fault)),
                    symptoms: Set(faults.map(\.signal.type)), onset: Self.onset(of: faults),
                    isOngoing: faults.contains { $0.recoveredAt == nil })
                result.severeOnset = faults.filter { $0.recoveredAt == nil && Self.isSevere($0) }.compactMap(\.onset)
                    .max()
                result.isBusier = isFeltMeasured && faults.allSatisfy(isMildSaturation)
                if !result.isOngoing { result.recoveredAt = faults.compactMap(\.recoveredAt).max() }
            } else if let load = loads.first {
                result = Probed(
                    trouble: .loadShift("\(load.signal.name) \(load.rise)"), symptoms: [])
            } else {
                result = Probed(trouble: .healthy, symptoms: [])
            }
            result.isLoadShifted = !loads.isEmpty
            result.exhausted = faults.first {
                $0.signal.type == .saturation && $0.recoveredAt == nil && $0.current >= analyzer.exhaustedLevel
            }
            .map(Self.words)
        }
        cache[key] = result
        if cache.count > 50_000 { cache.removeAll(keepingCapacity: true) }
        return result
    }

    /// When the trouble that is still going began: a fault that is over (a warm-up blip) does not date a later
    /// one. When every fault is over, the earliest of them.
    /// A mild creep of latency, errors or lag (its worst under 2x its baseline) that began 15 minutes or more before
    /// a severe fault of the same entity (5x its baseline or more, or a health signal down) dates nothing: it is a
    /// condition the entity rode out (as the investigation sets it aside), not the start of this failure.
    static func onset(of faults: [SignalAssessment]) -> Date? {
        let going = faults.filter { $0.recoveredAt == nil }
        let kept = going.isEmpty ? faults : going
        guard let severe = kept.filter(isSevere).compactMap(\.onset).min() else {
            return kept.compactMap(\.onset).min()
        }
        return kept.filter { fault in
            guard isMild(fault), let onset = fault.onset else { return true }
            return onset >= severe.addingTimeInterval(-mildLead)
        }
        .compactMap(\.onset).min()
    }

    static let mildLead: TimeInterval = 15 * 60

    static func isMild(_ fault: SignalAssessment) -> Bool {
        [.latency, .errors, .lag].contains(fault.signal.type) && fault.baseline > 0 && fault.peak < 2 * fault.baseline
    }

    /// What users of an entity feel, as opposed to how busy it is.
    static let felt: Set<SignalType> = [.latency, .errors, .health, .lag]

    /// A saturation under 2x its baseline and under the exhausted level (CPU 30% -> 41%): busier, not failing.
    func isMildSaturation(_ fault: SignalAssessment) -> Bool {
        fault.signal.type == .saturation && fault.baseline > 0 && fault.peak < 2 * fault.baseline
            && fault.peak < analyzer.exhaustedLevel
    }

    static func isSevere(_ fault: SignalAssessment) -> Bool {
        fault.signal.type == .health || (fault.baseline > 0 && fault.peak >= 5 * fault.baseline)
    }

    /// "errors 0.01 -> 0.3"; a fault that is over reads "under_replicated 0 -> 14 (recovered 12:04)".
    private static func words(_ fault: SignalAssessment) -> String {
        let from = SignalAssessment.format(fault.baseline)
        guard let recovered = fault.recoveredAt else {
            return "\(fault.signal.name) \(from) -> \(SignalAssessment.format(fault.current))"
        }
        return
            "\(fault.signal.name) \(from) -> \(SignalAssessment.format(fault.peak)) (recovered \(Timestamp.clockTime(recovered)))"
    }
}
