import Foundation
import MusterModel
import MusterReplay

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
            case .replay(let paths, let json, _):
                return try await replay(paths: paths, json: json)
            case .demo:
                return try await Demo.run(output: output)
            case .lakeImport, .lakeShow, .lakeDependents, .lakeBlastRadius, .lakeOnCall:
                return try lake(command)
            case .bench(let scenarios):
                return try await bench(scenarios: scenarios)
            }
        } catch let error as ScenarioError {
            errors("muster: \(error)")
            return 2
        } catch {
            errors("muster: \(error)")
            return 1
        }
    }

    func replay(paths: [String], json: Bool) async throws -> Int32 {
        var results: [ReplayResult] = []
        for path in paths {
            let scenario: Scenario
            do {
                scenario = try ScenarioLoader.load(path: path)
            } catch {
                errors("muster: \(error)")
                return 2
            }
            results.append(try await ReplayDriver().run(scenario))
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
}
