import Foundation
import MusterTestSupport

/// A throwaway Prometheus for tests: OpenMetrics text imported with `promtool tsdb create-blocks-from`,
/// served read-only (no scrape jobs) on a free loopback port. `stop()` ends the process.
final class PrometheusServer {
    let baseURL: URL
    let directory: URL
    private let process: ChildProcess

    /// Imports `openMetrics` into a fresh TSDB under `directory` and starts Prometheus on it, ready to query.
    init(openMetrics: String, directory: URL, readyWithin timeout: Duration = .seconds(60)) async throws {
        let install = "install the Debian package prometheus (scripts/install-deps does)"
        let promtool = try ChildProcess.executable(named: "promtool", install: install)
        let prometheus = try ChildProcess.executable(named: "prometheus", install: install)
        self.directory = directory
        let tsdb = directory.appendingPathComponent("tsdb")
        let input = directory.appendingPathComponent("metrics.om")
        let config = directory.appendingPathComponent("prometheus.yml")
        try FileManager.default.createDirectory(at: tsdb, withIntermediateDirectories: true)
        try openMetrics.write(to: input, atomically: true, encoding: .utf8)
        try "global:\n  scrape_interval: 1m\nscrape_configs: []\n".write(to: config, atomically: true, encoding: .utf8)

        let importer = try ChildProcess(
            "promtool", executable: promtool,
            arguments: ["tsdb", "create-blocks-from", "openmetrics", input.path, tsdb.path],
            log: directory.appendingPathComponent("promtool.log"))
        importer.waitUntilExit()
        guard importer.terminationStatus == 0 else {
            throw ChildProcess.Failure(
                "promtool rejected the export (exit \(importer.terminationStatus)):\n\(importer.logTail(lines: 20))")
        }

        let port = try LoopbackSocket.freePort()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        process = try ChildProcess(
            "prometheus", executable: prometheus,
            arguments: [
                "--config.file=\(config.path)", "--storage.tsdb.path=\(tsdb.path)",
                "--storage.tsdb.retention.time=100y", "--web.listen-address=127.0.0.1:\(port)",
            ],
            log: directory.appendingPathComponent("prometheus.log"))
        try await process.waitUntilReady(
            at: baseURL.appendingPathComponent("-/ready"), within: timeout, every: .milliseconds(200))
    }

    /// Terminates Prometheus and waits for it to exit; safe to call twice.
    func stop() {
        process.stop()
    }
}
