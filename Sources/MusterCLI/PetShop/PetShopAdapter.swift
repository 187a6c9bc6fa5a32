import Foundation
import MusterInvestigation
import MusterLake
import MusterModel
import MusterTelemetry

/// How PetShop metrics become Muster signals. The engine is never told about PetShop: only this does.
struct PetShopMapping: Hashable, Sendable {
    /// How a node's availability (percent) becomes a signal.
    enum Availability: String, Sendable {
        /// `errors` = 1 - availability / 100: worse when higher, judged against its own baseline.
        case errors
        /// `health` = availability / 100: anomalous only below 0.5.
        case health
    }

    /// The latency statistic used for every node (`Average`, `p50`, `p90`, `p95`, `p99`).
    var latencyStatistic = "Average"
    var availability = Availability.errors

    static let latencyMetric = "petshop_latency_seconds"
    static let requestsMetric = "petshop_requests"
    static let errorsMetric = "petshop_error_ratio"
    static let healthMetric = "petshop_availability_ratio"

    /// The signals of one node, in the lake's `properties.signals` JSON form.
    func signals(of node: String) -> JSONValue {
        func signal(_ name: String, _ type: SignalType, _ metric: String) -> JSONValue {
            .object([
                "name": .string(name), "type": .string(type.rawValue), "metric": .string(metric),
                "match": .object(["node": .string(node)]),
            ])
        }
        let availabilitySignal =
            availability == .errors
            ? signal("errors", .errors, Self.errorsMetric) : signal("availability", .health, Self.healthMetric)
        return .array([
            signal("latency", .latency, Self.latencyMetric), signal("requests", .load, Self.requestsMetric),
            availabilitySignal,
        ])
    }

    /// Appends the columns this mapping uses from `metrics` to `store`.
    func append(_ metrics: PetShopMetrics, to store: MetricStore) {
        for (index, column) in metrics.columns.enumerated() {
            let labels = ["node": column.node]
            let name: String
            let transform: (Double) -> Double
            switch (column.metric, column.statistic) {
            case ("latency", latencyStatistic): (name, transform) = (Self.latencyMetric, { $0 })
            case ("requests", "Sum"): (name, transform) = (Self.requestsMetric, { $0 })
            case ("availability", _) where availability == .errors:
                (name, transform) = (Self.errorsMetric, { 1 - $0 / 100 })
            case ("availability", _): (name, transform) = (Self.healthMetric, { $0 / 100 })
            default: continue
            }
            let samples = metrics.times.indices.compactMap { row in
                metrics.values[row][index].map {
                    Sample(time: Date(timeIntervalSince1970: metrics.times[row]), value: transform($0))
                }
            }
            if !samples.isEmpty { store.append(name, labels: labels, samples: samples, kind: .gauge) }
        }
    }
}

/// One PetShop issue (or a normal-vs-normal probe) turned into what Muster's investigator reads.
struct PetShopCase: Sendable {
    var name: String
    var lake: ContextLake
    var store: MetricStore
    var facts: IncidentFacts
    /// The ground-truth root-cause node; nil for a normal-vs-normal probe (the right answer is "none").
    var rootCause: String?
    /// `latency` or `availability`: the metric of the SLO violation.
    var targetMetric: String
    var nodeCount: Int
    var relationCount: Int
    /// Rows of normal data placed before the issue, and rows of the issue itself.
    var normalRows: Int
    var issueRows: Int

    var alertingNode: String { facts.alerting.first?.id ?? "" }
    /// The incident's first alert (the issue's first sample) and the instant investigated (its last).
    var onset: Date { facts.firstOnset }
    var now: Date { facts.now }
    /// Samples held in the metric store, normal period and issue together.
    var sampleCount: Int { store.sampleCount }
    /// When the normal period ends once shifted (its last latency, requests or availability sample).
    var normalEnd: Date? {
        [
            PetShopMapping.latencyMetric, PetShopMapping.requestsMetric, PetShopMapping.errorsMetric,
            PetShopMapping.healthMetric,
        ]
        .flatMap { store.allSeries(named: $0) }.compactMap { $0.samples.last { $0.time < onset }?.time }.max()
    }
    /// The callees of `node` in the lake (its `dependsOn` relation).
    func callees(of node: String) -> [String] {
        lake.related(EntityRef(kind: "service", id: node), by: Relation.dependsOn, asOf: nil).map(\.id).sorted()
    }

    /// Runs the investigator with `settings` and ranks the entities it names.
    func investigate(_ settings: PetShopSettings) async -> PetShopOutcome {
        var playbook = Playbook.standard
        playbook.upstreamDepth = settings.upstreamDepth
        playbook.sustain = settings.sustain
        let verdict = await Investigator(lake: lake, metrics: store, playbook: playbook).investigate(facts)
        var ranking: [String] = []
        for hypothesis in verdict.hypotheses where !ranking.contains(hypothesis.entity.id) {
            ranking.append(hypothesis.entity.id)
        }
        return PetShopOutcome(
            name: name, ranking: ranking, rootCause: verdict.rootCause?.entity.id,
            summary: verdict.rootCause.map { "\($0.kind.rawValue) \(Int(($0.confidence * 100).rounded()))%" },
            hypotheses: verdict.hypotheses)
    }
}

/// Engine knobs a team may set in its skill's `playbook.yaml`; the bench reports which ones it used.
struct PetShopSettings: Hashable, Sendable, CustomStringConvertible {
    var mapping = PetShopMapping()
    /// `Playbook.upstreamDepth`.
    var upstreamDepth = Playbook.standard.upstreamDepth
    /// `Playbook.sustain`.
    var sustain = Playbook.standard.sustain

    var description: String {
        "latency \(mapping.latencyStatistic), availability as \(mapping.availability.rawValue), "
            + "upstream depth \(upstreamDepth), sustain \(sustain)"
    }
}

/// What Muster said about one case.
struct PetShopOutcome: Sendable {
    var name: String
    /// Unique entity ids of the ranked hypotheses, best first.
    var ranking: [String]
    /// The named root cause; nil when Muster abstained.
    var rootCause: String?
    var summary: String?
    /// The verdict's hypotheses, ranked, with their raw scores (for calibration).
    var hypotheses: [Hypothesis] = []

    var isAbstention: Bool { rootCause == nil }

    /// Whether `node` is among the first `k` ranked entities.
    func ranks(_ node: String, within k: Int) -> Bool { ranking.prefix(k).contains(node) }
}

/// Builds `PetShopCase`s for one scenario: the graph and normal period are read once.
struct PetShopAdapter: Sendable {
    var scenario: String
    var graph: PetShopGraph
    var normal: PetShopMetrics
    var mapping: PetShopMapping
    /// The sampling step of the dataset.
    static let step: TimeInterval = 300

    init(dataset: PetShopDataset, scenario: String, mapping: PetShopMapping) throws {
        self.scenario = scenario
        self.graph = try dataset.graph(scenario)
        self.normal = try dataset.normalMetrics(scenario)
        self.mapping = mapping
    }

    init(scenario: String, graph: PetShopGraph, normal: PetShopMetrics, mapping: PetShopMapping) {
        self.scenario = scenario
        self.graph = graph
        self.normal = normal
        self.mapping = mapping
    }

    /// One `service` per node (graph and metrics), `dependsOn` from caller to callee, three signals each.
    func makeLake(extraNodes: Set<String>) throws -> (lake: ContextLake, nodes: Int, relations: Int) {
        let nodes = Set(graph.nodes).union(normal.nodes).union(extraNodes).sorted()
        let entities = nodes.map { node in
            let callees = (graph.callees[node] ?? []).map { EntityRef(kind: "service", id: $0) }
            return Entity(
                ref: EntityRef(kind: "service", id: node), title: node,
                properties: ["signals": mapping.signals(of: node)],
                relations: callees.isEmpty ? [:] : [Relation.dependsOn: callees])
        }
        let lake = ContextLake.inMemory()
        try lake.upsert(entities, at: Date(timeIntervalSince1970: 0))
        return (lake, nodes.count, graph.edgeCount)
    }

    /// The issue after the normal period shifted to end one step before the issue's first sample.
    func makeCase(_ issue: PetShopIssueRef) throws -> PetShopCase {
        let target = try issue.target()
        let metrics = try issue.metrics()
        guard let first = metrics.times.first, let last = metrics.times.last, let normalLast = normal.times.last else {
            throw PetShopError(file: issue.folder.path, line: 5, "no samples")
        }
        let store = MetricStore()
        mapping.append(normal.shifted(by: first - Self.step - normalLast), to: store)
        mapping.append(metrics, to: store)
        let built = try makeLake(extraNodes: metrics.nodes.union([target.target.node]))
        let facts = Self.facts(alerting: target.target.node, metric: target.target.metric, from: first, to: last)
        return PetShopCase(
            name: issue.description, lake: built.lake, store: store, facts: facts, rootCause: target.rootCause.node,
            targetMetric: target.target.metric, nodeCount: built.nodes, relationCount: built.relations,
            normalRows: normal.times.count, issueRows: metrics.times.count)
    }

    /// Normal vs later normal: the `issueRows` rows from `split` on play the issue; the right answer is none.
    func makeNormalCase(split: Int, alerting: String, metric: String, issueRows: Int = 5) throws -> PetShopCase {
        let end = min(normal.times.count, split + issueRows)
        precondition(split > 0 && split < end, "split must leave normal rows before and after it")
        let store = MetricStore()
        mapping.append(normal.rows(0..<end), to: store)
        let built = try makeLake(extraNodes: [alerting])
        let facts = Self.facts(alerting: alerting, metric: metric, from: normal.times[split], to: normal.times[end - 1])
        return PetShopCase(
            name: "\(scenario)/noissue@\(split)", lake: built.lake, store: store, facts: facts, rootCause: nil,
            targetMetric: metric, nodeCount: built.nodes, relationCount: built.relations, normalRows: split,
            issueRows: end - split)
    }

    /// The incident as an alert on the target node: onset at the first issue sample, investigated at the last.
    static func facts(alerting node: String, metric: String, from: Double, to: Double) -> IncidentFacts {
        let start = Date(timeIntervalSince1970: from)
        let now = Date(timeIntervalSince1970: to)
        let ref = EntityRef(kind: "service", id: node)
        let alert = Alert(
            source: .generic, sourceID: "petshop-\(node)-\(metric)", dedupKey: "petshop-\(node)-\(metric)",
            status: .firing, title: "\(node) \(metric) SLO violated", severity: .critical,
            labels: ["alertname": "\(metric)-slo", "service": node], startedAt: start, receivedAt: start,
            hints: [AlertHint.service: node])
        return IncidentFacts(id: IncidentID(1), now: now, firstOnset: start, alerting: [ref], alerts: [alert])
    }
}
