import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A throwaway Prometheus for tests: OpenMetrics text imported with `promtool tsdb create-blocks-from`,
/// served read-only (no scrape jobs) on a free loopback port. `stop()` ends the process.
final class PrometheusServer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let baseURL: URL
    let directory: URL
    private let process: Process

    /// Imports `openMetrics` into a fresh TSDB under `directory` and starts Prometheus on it, ready to query.
    init(openMetrics: String, directory: URL, readyWithin timeout: Duration = .seconds(60)) async throws {
        let promtool = try Self.executable("promtool")
        let prometheus = try Self.executable("prometheus")
        self.directory = directory
        let tsdb = directory.appendingPathComponent("tsdb")
        let input = directory.appendingPathComponent("metrics.om")
        let config = directory.appendingPathComponent("prometheus.yml")
        let log = directory.appendingPathComponent("prometheus.log")
        try FileManager.default.createDirectory(at: tsdb, withIntermediateDirectories: true)
        try openMetrics.write(to: input, atomically: true, encoding: .utf8)
        try "global:\n  scrape_interval: 1m\nscrape_configs: []\n".write(to: config, atomically: true, encoding: .utf8)

        let importer = Process()
        importer.executableURL = promtool
        importer.arguments = ["tsdb", "create-blocks-from", "openmetrics", input.path, tsdb.path]
        let importLog = directory.appendingPathComponent("promtool.log")
        _ = FileManager.default.createFile(atPath: importLog.path, contents: nil)
        let importHandle = try FileHandle(forWritingTo: importLog)
        importer.standardOutput = importHandle
        importer.standardError = importHandle
        try importer.run()
        importer.waitUntilExit()
        try importHandle.close()
        guard importer.terminationStatus == 0 else {
            throw Failure(
                description:
                    "promtool rejected the export (exit \(importer.terminationStatus)):\n\(Self.tail(importLog))")
        }

        let port = try Self.freePort()
        baseURL = URL(string: "http://127.0.0.1:\(port)")!
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process = Process()
        process.executableURL = prometheus
        process.arguments = [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(tsdb.path)", "--storage.tsdb.retention.time=100y",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        do {
            try await waitUntilReady(within: timeout, log: log)
        } catch {
            stop()
            throw error
        }
    }

    /// Terminates Prometheus and waits for it to exit; safe to call twice.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    private func waitUntilReady(within timeout: Duration, log: URL) async throws {
        let deadline = ContinuousClock.now + timeout
        let ready = baseURL.appendingPathComponent("-/ready")
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(description: "prometheus exited with \(process.terminationStatus):\n\(Self.tail(log))")
            }
            if let (_, response) = try? await URLSession.shared.data(from: ready),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw Failure(description: "prometheus was not ready within \(timeout):\n\(Self.tail(log))")
    }

    /// The first executable named `name` on PATH, or a failure that says how to install it.
    static func executable(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(
            description: "\(name) is not on PATH: install the Debian package prometheus (scripts/install-deps does)")
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released).
    static func freePort() throws -> UInt16 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "bind 127.0.0.1:0: errno \(errno)") }
        return UInt16(bigEndian: address.sin_port)
    }

    private static func tail(_ file: URL) -> String {
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(20).joined(separator: "\n")
    }
}
