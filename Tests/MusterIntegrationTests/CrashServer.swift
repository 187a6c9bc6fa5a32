import Foundation
import MusterTestSupport

/// The real `muster serve` as a child process for the crash test.
enum CrashServer {
    /// Starts `executable serve arguments...` in `environment`, its output appended to `log`, and waits until
    /// `GET /healthz` on `port` answers 200.
    static func start(
        executable: URL, arguments: [String], environment: [String: String], log: URL, port: UInt16,
        within limit: Duration = .seconds(10)
    ) async throws -> ChildProcess {
        let server = try ChildProcess(
            "muster serve", executable: executable, arguments: ["serve"] + arguments, environment: environment,
            log: log)
        try await server.waitUntilReady(within: limit, every: .milliseconds(50)) {
            let response = try? await CrashThreads.value {
                try CrashHTTPClient.request("GET", "/healthz", port: port, timeout: 1)
            }
            return response?.status == 200
        }
        return server
    }

    /// The `muster` binary to test: beside the running test bundle (the scratch path in use), else the newest
    /// `<repo>/.build*/debug/muster`.
    static func executable(filePath: String = #filePath) throws -> URL {
        let manager = FileManager.default
        var candidates: [URL] = []
        if let bundle = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: bundle).resolvingSymlinksInPath().deletingLastPathComponent())
        }
        let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scratch = (try? manager.contentsOfDirectory(atPath: root.path)) ?? []
        var built: [URL] = []
        for name in scratch where name.hasPrefix(".build") {
            built.append(root.appendingPathComponent(name).appendingPathComponent("debug"))
        }
        let newest = built.map { $0.appendingPathComponent("muster").resolvingSymlinksInPath() }
            .filter { manager.isExecutableFile(atPath: $0.path) }
            .max { modified($0) < modified($1) }
        for directory in candidates {
            let binary = directory.appendingPathComponent("muster")
            if manager.isExecutableFile(atPath: binary.path) { return binary }
        }
        if let newest { return newest }
        throw ChildProcess.Failure(
            "no muster binary beside the test bundle or under \(root.path)/.build*/debug/: run `swift build` first")
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }
}
