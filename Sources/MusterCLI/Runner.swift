import Foundation
import MusterInvestigation
import MusterLake
import MusterModel
import MusterReplay
import MusterTelemetry

/// Runs a parsed command, writing to the given output; returns the exit code.
public struct Runner: Sendable {
    public let output: @Sendable (String) -> Void
    public let errors: @Sendable (String) -> Void

    public init(output: @escaping @Sendable (String) -> Void, errors: @escaping @Sendable (String) -> Void) {
        self.output = output
        self.errors = errors
    }

    public func run(_ command: Command) async -> Int32 {
        do {
            switch command {
            case .help:
                output(CommandParser.usage)
                return 0
            case .replay(let paths, let json, let skill):
                return try await replay(paths: paths, json: json, skill: skill)
            case .demo:
                return try await Demo.run(output: output)
            case .lakeImport, .lakeShow, .lakeDependents, .lakeBlastRadius, .lakeOnCall:
                return try lake(command)
            case .bench(let scenarios, let only):
                return try await bench(scenarios: scenarios, only: only)
            case .skillCheck(let dir, let db, let scenario):
                return try checkSkill(dir: dir, db: db, scenario: scenario)
            case .serve(let config, let listen, let db):
                return try await serve(config: config, listen: listen, db: db)
            }
        } catch let error as ScenarioError {
            errors("muster: \(error)")
            return 2
        } catch let error as SkillError {
            errors("muster: \(error)")
            return 2
        } catch {
            errors("muster: \(error)")
            return 1
        }
    }

    func replay(paths: [String], json: Bool, skill: String? = nil) async throws -> Int32 {
        let playbook = try skill.map { try SkillLoader.load(directory: $0).playbook } ?? .standard
        var results: [ReplayResult] = []
        for path in paths {
            let scenario: Scenario
            do {
                scenario = try ScenarioLoader.load(path: path)
            } catch {
                errors("muster: \(error)")
                return 2
            }
            results.append(try await ReplayDriver(playbook: playbook).run(scenario))
        }
        if json {
            let encoder = WireFormat.encoder(pretty: true)
            let data = results.count == 1 ? try encoder.encode(results[0]) : try encoder.encode(results)
            output(String(decoding: data, as: UTF8.self))
        } else {
            output(results.map(ReplayReport.render).joined(separator: "\n\n"))
            if results.count > 1 { output("\n" + GroupingQuality.render(results)) }
        }
        return results.allSatisfy(\.passed) ? 0 : 1
    }

    /// `skill check`: the skill's playbook against the lake in `db` or a scenario's catalog and generated metrics.
    func checkSkill(dir: String, db: String?, scenario path: String?) throws -> Int32 {
        let check: SkillCheck
        if let path {
            let scenario = try ScenarioLoader.load(path: path)
            let store = MetricStore()
            if let metrics = scenario.metrics { MetricGenerator.generate(metrics, into: store) }
            check = SkillCheck(entities: scenario.catalog, metrics: Set(store.metricNames))
        } else {
            let path = db ?? "./muster.db"
            guard FileManager.default.fileExists(atPath: path) else {
                errors("muster: no lake at \(path): import one (muster lake import) or check against --scenario FILE")
                return 1
            }
            let lake = try ContextLake.open(path: path)
            let kinds = ["service", "resource", "component", "api", "system", "customer", "org", "group", "team"]
            check = SkillCheck(entities: kinds.flatMap { lake.entities(ofKind: $0, asOf: nil) })
        }
        let skill: Skill
        do {
            skill = try SkillLoader.load(directory: dir)
        } catch {
            errors("\(error)")
            return 1
        }
        let problems = check.problems(of: skill)
        for problem in problems { errors("\(problem)") }
        output(
            problems.isEmpty
                ? "skill \(skill.name): \(skill.references.count) references, all known to the lake (\(check.entities.count) entities)"
                : "skill \(skill.name): \(problems.count) error\(problems.count == 1 ? "" : "s")")
        return problems.isEmpty ? 0 : 1
    }
}
