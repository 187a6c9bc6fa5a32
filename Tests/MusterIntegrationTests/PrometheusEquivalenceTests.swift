import Foundation
import MusterModel
import MusterPipeline
import MusterReplay
import MusterTelemetry
import Synchronization
import Testing

/// The seed incident replayed twice, once on the embedded store and once on a real Prometheus that
/// holds the same samples (exported as OpenMetrics, imported with promtool): the verdicts must agree.
struct PrometheusEquivalenceTests {
    static let scenarioPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
            "shared/scenarios/kafka-lag-storm.yaml"
        ).path

    @Test(.timeLimit(.minutes(5))) func seedIncidentVerdictsMatchTheEmbeddedStore() async throws {
        let started = ContinuousClock.now
        let scenario = try ScenarioLoader.load(path: Self.scenarioPath)
        let spec = try #require(scenario.metrics, "the seed scenario generates metrics")
        let store = MetricStore()
        MetricGenerator.generate(spec, into: store)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("muster-prom-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await PrometheusServer(openMetrics: OpenMetricsExport.render(store), directory: directory)
        defer { server.stop() }
        let prometheus = PrometheusSource(baseURL: server.baseURL, step: spec.step)

        // Every stored series comes back from Prometheus sample for sample.
        for name in store.metricNames {
            let served = try await prometheus.series(named: name, matching: [:], from: spec.from, to: spec.to)
            #expect(served == store.allSeries(named: name), "\(name)")
        }

        let embedded = try await ReplayDriver().run(scenario)
        let comparing = ComparingSource(primary: prometheus, reference: store)
        let remote = try await ReplayDriver(metrics: comparing).run(scenario)

        let reads = comparing.reads
        #expect(reads.count > 0, "the pipeline read metrics from Prometheus")
        #expect(reads.failures.isEmpty, "Prometheus reads failed: \(reads.failures.prefix(3))")
        #expect(reads.mismatches.isEmpty, "reads that differ from the store: \(reads.mismatches.prefix(3))")
        #expect(remote.errors == embedded.errors)
        #expect(remote.passed == embedded.passed)

        try #require(remote.incidents.count == embedded.incidents.count)
        for (mine, theirs) in zip(remote.incidents, embedded.incidents) {
            #expect(mine.id == theirs.id && mine.events == theirs.events)
            #expect(mine.rootCause?.kind == theirs.rootCause?.kind, "\(mine.id)")
            #expect(mine.rootCause?.entity == theirs.rootCause?.entity, "\(mine.id)")
            #expect(abs((mine.rootCause?.confidence ?? 0) - (theirs.rootCause?.confidence ?? 0)) <= 0.05, "\(mine.id)")
            #expect(mine.abstention == theirs.abstention, "\(mine.id)")
            #expect(
                mine.actions.map { "\($0.action) \($0.target)" } == theirs.actions.map { "\($0.action) \($0.target)" })
            #expect(mine.avoid.map { "\($0.action) \($0.target)" } == theirs.avoid.map { "\($0.action) \($0.target)" })
        }
        for (label, result) in [("embedded", embedded), ("prometheus", remote)] {
            for incident in result.incidents { print("\(label): \(Self.summary(of: incident))") }
        }
        print("prometheus equivalence: \(reads.count) reads, \(ContinuousClock.now - started)")
    }

    static func summary(of incident: IncidentOutput) -> String {
        let cause = incident.rootCause.map { "\($0.kind) \($0.entity) \($0.confidence)" } ?? "abstained"
        let actions = incident.actions.map { "\($0.action) \($0.target)" }.joined(separator: ", ")
        let avoid = incident.avoid.map { "\($0.action) \($0.target)" }.joined(separator: ", ")
        return
            "\(incident.id) [\(incident.events.joined(separator: ","))] cause: \(cause); actions: \(actions); avoid: \(avoid)"
    }
}

/// Serves `primary` and checks every read against `reference`, counting failures and differences.
final class ComparingSource: MetricSource {
    struct Reads: Sendable {
        var count = 0
        var failures: [String] = []
        var mismatches: [String] = []
    }

    let primary: any MetricSource
    let reference: any MetricSource
    private let state = Mutex(Reads())

    init(primary: any MetricSource, reference: any MetricSource) {
        self.primary = primary
        self.reference = reference
    }

    var reads: Reads { state.withLock { $0 } }

    func series(named name: String, matching: [String: String], from: Date, to: Date) async throws -> [TimeSeries] {
        let read = "\(name)\(matching.sorted { $0.key < $1.key }) [\(from), \(to)]"
        do {
            let served = try await primary.series(named: name, matching: matching, from: from, to: to)
            let expected = try await reference.series(named: name, matching: matching, from: from, to: to)
            state.withLock { reads in
                reads.count += 1
                if served != expected { reads.mismatches.append(read) }
            }
            return served
        } catch {
            state.withLock { $0.failures.append("\(read): \(error)") }
            throw error
        }
    }
}
