import Foundation
import Synchronization
import Testing

@testable import MusterCLI

struct DemoTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func embeddedSeedMatchesThePublicScenario() throws {
        let url = Self.repo.deletingLastPathComponent().appendingPathComponent("shared/scenarios/kafka-lag-storm.yaml")
        let file = try String(contentsOf: url, encoding: .utf8)
        #expect(SeedScenario.text.trimmingCharacters(in: .newlines) == file.trimmingCharacters(in: .newlines))
    }

    @Test func demoShowsBothTimelinesAndTheMessage() async throws {
        let lines = LinesBox()
        let code = try await Demo.run { lines.append($0) }
        let text = lines.all
        #expect(code == 0)
        #expect(text.contains("THE HUMANS"))
        #expect(text.contains("43 min"))
        #expect(text.contains("pd-builder joined inc-1"))
        #expect(text.contains("likely cause: traffic-spike customer:acme"))
        #expect(text.contains("advises against restart"))
        #expect(text.contains("scale-out service:actions-worker"))
        #expect(text.contains("@dan @gwen @hal") || text.contains("user:hal"))
    }
}

/// Collects output lines from a `Sendable` closure.
final class LinesBox: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: String { storage.withLock { $0.joined(separator: "\n") } }
}
