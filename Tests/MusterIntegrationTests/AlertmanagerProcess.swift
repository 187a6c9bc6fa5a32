import Foundation
import MusterTestSupport
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A throwaway Alertmanager on a free loopback port, clustering off, storage in the caller's folder.
final class AlertmanagerProcess {
    let baseURL: URL
    private let process: ChildProcess

    init(config: String, directory: URL, readyWithin timeout: Duration = .seconds(20)) async throws {
        // `prometheus-alertmanager` (Debian) or `alertmanager` (upstream); a missing binary fails the test.
        let executable = try ChildProcess.executable(
            named: "prometheus-alertmanager", "alertmanager",
            install: "install the Debian package prometheus-alertmanager (scripts/install-deps --for-tests does)")
        let configFile = directory.appendingPathComponent("alertmanager.yml")
        let storage = directory.appendingPathComponent("alertmanager-data")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let port = try LoopbackSocket.freePort()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        process = try ChildProcess(
            "alertmanager", executable: executable,
            arguments: [
                "--config.file=\(configFile.path)", "--storage.path=\(storage.path)",
                "--web.listen-address=127.0.0.1:\(port)", "--cluster.listen-address=",
            ],
            log: directory.appendingPathComponent("alertmanager.log"))
        try await process.waitUntilReady(
            at: baseURL.appendingPathComponent("-/ready"), within: timeout, every: .milliseconds(100))
    }

    /// Terminates Alertmanager and waits for it to exit; safe to call twice.
    func stop() {
        process.stop()
    }

    /// POSTs a JSON body and returns the status code.
    func post(path: String, body: String) async throws -> Int {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if status != 200 { Issue.record("POST \(path): \(status) \(String(decoding: data, as: UTF8.self))") }
        return status
    }

    var logTail: String { process.logTail(lines: 20) }
}
