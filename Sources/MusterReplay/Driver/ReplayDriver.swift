import Foundation
public import MusterInvestigation
import MusterLake
import MusterModel
import MusterPipeline
public import MusterTelemetry

/// Runs a scenario through the triage pipeline on a virtual clock and checks the outcome.
public struct ReplayDriver: Sendable {
    public var playbook: Playbook
    /// SQLite file for the lake; nil keeps it in memory.
    public var lakePath: String?
    /// Where investigation reads metrics (e.g. a `PrometheusSource`); nil generates the scenario's
    /// `metrics` section into an embedded `MetricStore`.
    public var metrics: (any MetricSource)?

    public init(playbook: Playbook = .standard, lakePath: String? = nil, metrics: (any MetricSource)? = nil) {
        self.playbook = playbook
        self.lakePath = lakePath
        self.metrics = metrics
    }

    /// Replays `scenario` and returns incidents, checks and the timeline of what Muster did.
    public func run(_ scenario: Scenario) async throws -> ReplayResult {
        let clock = VirtualClock(start: scenario.start)
        let lake = try lakePath.map { try ContextLake.open(path: $0) } ?? ContextLake.inMemory()
        let catalogInstant = scenario.start.addingTimeInterval(-30 * 86_400)
        try lake.upsert(scenario.catalog, at: catalogInstant)
        for shift in scenario.oncall { try lake.addShift(shift) }
        let source: any MetricSource
        if let metrics {
            source = metrics
        } else {
            let store = MetricStore()
            if let spec = scenario.metrics { MetricGenerator.generate(spec, into: store) }
            source = store
        }
        let pipeline = TriagePipeline(lake: lake, metrics: source, playbook: playbook)
        var errors: [String] = []
        for event in scenario.timeline {
            await pipeline.advance(to: event.at)
            clock.advance(to: event.at)
            do {
                switch event.payload {
                case .alert(let source, let payload):
                    try await pipeline.receive(
                        source, payload: payload, eventID: event.id ?? "line-\(event.line)", at: event.at)
                case .deploy(let deployment): try await pipeline.record(.deploy(deployment), at: event.at)
                case .change(let change): try await pipeline.record(.change(change), at: event.at)
                case .action(let action): try await pipeline.record(.action(action), at: event.at)
                case .entity(let entity): try await pipeline.record(.entity(entity), at: event.at)
                }
            } catch {
                errors.append("\(scenario.file):\(event.line): \(event.id ?? "event"): \(error)")
            }
        }
        let end = scenario.metrics?.to ?? scenario.timeline.last?.at ?? scenario.start
        await pipeline.advance(to: max(end, scenario.timeline.last?.at ?? end))
        let reports = await pipeline.reports()
        let log = await pipeline.log
        let incidents = reports.map { IncidentOutput(report: $0) }
        let checker = ExpectationChecker(scenario: scenario, incidents: incidents)
        let checks = scenario.expect.map { checker.check($0) } ?? []
        let failed = checks.contains { !$0.passed } || !errors.isEmpty
        var groups: Set<[String]> = Set(scenario.expect?.incidents.map(\.events) ?? [])
        for event in scenario.expect?.unrelated ?? [] { groups.insert([event]) }
        return ReplayResult(
            scenario: scenario.name, passed: !failed, incidents: incidents, checks: checks, timeline: log,
            errors: errors, start: scenario.start, expectedGroups: groups,
            labelled: scenario.expect.map { checker.labels($0) } ?? [])
    }
}
