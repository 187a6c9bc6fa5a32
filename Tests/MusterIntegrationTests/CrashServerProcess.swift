import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real `muster serve` as a child process, its standard output and error appended to a log file.
///
/// Not `Sendable`: the test task owns it; code on other threads gets the `pid` (a plain number) to signal.
final class CrashServerProcess {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let pid: pid_t
    let log: URL
    private let process: Process

    /// Starts `executable serve arguments...` in `environment`.
    init(executable: URL, arguments: [String], environment: [String: String], log: URL) throws {
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process = Process()
        process.executableURL = executable
        process.arguments = ["serve"] + arguments
        process.environment = environment
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
        pid = process.processIdentifier
        self.log = log
    }

    var isRunning: Bool { process.isRunning }

    /// Polls `GET /healthz` until it answers 200; throws with the log's tail if the process exits or time runs out.
    func waitUntilHealthy(port: UInt16, within limit: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            guard process.isRunning else {
                throw Failure(
                    description: "muster serve exited (\(process.terminationStatus)) before /healthz:\n\(logTail())")
            }
            let response = try? await CrashThreads.value {
                try CrashHTTPClient.request("GET", "/healthz", port: port, timeout: 1)
            }
            if response?.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "muster serve did not answer /healthz within \(limit):\n\(logTail())")
    }

    /// Blocks until the process has exited and been reaped.
    func waitUntilExit() {
        process.waitUntilExit()
    }

    /// Whether the process ended by SIGKILL.
    var wasKilled: Bool {
        !process.isRunning && process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
    }

    /// `kill -9` and reap.
    func kill() {
        sendSignal(SIGKILL, to: pid)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits up to `limit` for a clean exit; its status, or nil when it had to be killed.
    func terminate(within limit: Duration) async -> Int32? {
        guard process.isRunning else { return process.terminationStatus }
        sendSignal(SIGTERM, to: pid)
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

    /// SIGKILL if still running (for `defer`).
    func killIfRunning() {
        if process.isRunning { kill() }
    }

    /// The last lines of the log, for failure messages.
    func logTail(lines: Int = 30) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
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
        throw Failure(
            description:
                "no muster binary beside the test bundle or under \(root.path)/.build*/debug/: run `swift build` first")
    }

    private static func modified(_ url: URL) -> Date {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date) ?? .distantPast
    }

    /// A loopback port that was free a moment ago (bound to 0, read, released).
    static func freePort() throws -> UInt16 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
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
        guard bound else { throw Failure(description: "bind: \(String(cString: strerror(errno)))") }
        return UInt16(bigEndian: address.sin_port)
    }
}

/// `kill(2)`, outside the class whose `kill()` would shadow it.
func sendSignal(_ number: Int32, to pid: pid_t) {
    _ = kill(pid, number)
}
