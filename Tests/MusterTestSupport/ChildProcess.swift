public import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program the tests start (`muster serve`, Prometheus, Alertmanager), its standard output and error appended
/// to a log file, and polled until it is ready.
///
/// Not `Sendable`: the test task owns it; code on other threads gets the `pid` (a plain number) to signal.
public final class ChildProcess {
    /// A child that would not start, exited early or was not ready in time; the message ends with the log's tail.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(_ description: String) { self.description = description }
    }

    /// The name failure messages use (`prometheus`, `muster serve`).
    public let name: String
    public let pid: pid_t
    public let log: URL
    private let process = Process()

    /// Starts `executable arguments...`, appending its output to `log` (created when missing); `environment` nil
    /// inherits this process's.
    public init(
        _ name: String, executable: URL, arguments: [String], environment: [String: String]? = nil, log: URL
    ) throws {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        pid = process.processIdentifier
        self.name = name
        self.log = log
    }

    public var isRunning: Bool { process.isRunning }

    /// The exit status, or the signal's number when a signal ended it; meaningful once not running.
    public var terminationStatus: Int32 { process.terminationStatus }

    /// Whether the process ended by SIGKILL.
    public var wasKilled: Bool {
        !process.isRunning && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// Calls `isReady` every `interval` until it says yes; if the process exits or `limit` passes first, kills it
    /// and throws with the log's tail.
    public func waitUntilReady(
        within limit: Duration, every interval: Duration, isReady: () async -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        do {
            while ContinuousClock.now < deadline {
                guard process.isRunning else {
                    throw Failure(
                        "\(name) exited with \(process.terminationStatus) before it was ready:\n\(logTail())")
                }
                if await isReady() { return }
                try await Task.sleep(for: interval)
            }
            throw Failure("\(name) was not ready within \(limit):\n\(logTail())")
        } catch {
            killIfRunning()
            throw error
        }
    }

    /// Polls `GET url` until it answers 200 (Prometheus and Alertmanager: `/-/ready`).
    public func waitUntilReady(at url: URL, within limit: Duration, every interval: Duration) async throws {
        try await waitUntilReady(within: limit, every: interval) {
            let response = try? await URLSession.shared.data(from: url).1
            return (response as? HTTPURLResponse)?.statusCode == 200
        }
    }

    /// Blocks until the process has exited and been reaped.
    public func waitUntilExit() {
        process.waitUntilExit()
    }

    /// SIGTERM and waits for the exit, however long it takes; safe to call twice.
    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// SIGTERM, then waits up to `limit` for a clean exit; its status, or nil when it had to be killed.
    public func terminate(within limit: Duration) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        Self.send(SIGTERM, to: pid)
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        guard !process.isRunning else {
            kill()
            return nil
        }
        return process.terminationStatus
    }

    /// `kill -9` and reap.
    public func kill() {
        Self.send(SIGKILL, to: pid)
        process.waitUntilExit()
    }

    /// SIGKILL if still running (for `defer`).
    public func killIfRunning() {
        if process.isRunning { kill() }
    }

    /// The last lines of the log, for failure messages.
    public func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// `kill(2)`, callable from any thread with a pid.
    public static func send(_ signal: Int32, to pid: pid_t) {
        #if canImport(Glibc)
            _ = Glibc.kill(pid, signal)
        #else
            _ = Darwin.kill(pid, signal)
        #endif
    }

    /// The first of `names` found on PATH, or a failure that says `install` (how to get it).
    public static func executable(named names: String..., install: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") {
                let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            }
        }
        throw Failure("\(names.joined(separator: " or ")) is not on PATH: \(install)")
    }
}
