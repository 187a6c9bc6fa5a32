import Foundation

/// A throwaway Prometheus Alertmanager for the intake bench: a config of the caller's, clustering off, a free
/// loopback port, storage in `directory`. ``stop()`` ends the process; call it on every path.
final class BenchAlertmanager {
    let port: UInt16
    private let process: Process
    private let log: URL

    /// The Alertmanager process, for its CPU time.
    var processID: Int32 { process.processIdentifier }

    /// Writes `config` to `directory/alertmanager.yml`, starts Alertmanager on it and waits for `/-/ready`.
    init(config: String, directory: URL, readyWithin timeout: Duration = .seconds(20)) async throws {
        let executable = try Self.executable()
        let configFile = directory.appendingPathComponent("alertmanager.yml")
        let storage = directory.appendingPathComponent("alertmanager-data")
        log = directory.appendingPathComponent("alertmanager.log")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        port = try BenchHTTPConnection.freePort()
        process = Process()
        process.executableURL = executable
        process.arguments = [
            "--config.file=\(configFile.path)", "--storage.path=\(storage.path)",
            "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=", "--log.level=warn",
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            try await waitUntilReady(within: timeout)
        } catch {
            stop()
            throw error
        }
    }

    /// Terminates Alertmanager and waits for it to exit; safe to call twice.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The last lines Alertmanager logged, for error messages.
    var logTail: String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }

    private func waitUntilReady(within timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        let port = port
        let probe = BenchHTTPConnection.request("GET", path: "/-/ready", port: port)
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw IntakeBenchError("alertmanager exited with \(process.terminationStatus):\n\(logTail)")
            }
            let status = try? await onBenchThread { try BenchHTTPConnection(port: port).exchange(probe) }
            if status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw IntakeBenchError("alertmanager was not ready within \(timeout):\n\(logTail)")
    }

    /// `prometheus-alertmanager` (Debian) or `alertmanager` (upstream) on PATH, or an error that says how to get it.
    static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in ["prometheus-alertmanager", "alertmanager"] {
            for folder in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw IntakeBenchError(
            "neither prometheus-alertmanager nor alertmanager is on PATH: install the Debian package "
                + "prometheus-alertmanager (scripts/install-deps --for-tests does)")
    }
}
