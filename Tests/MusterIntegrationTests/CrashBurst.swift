import Foundation
import MusterTestSupport
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A burst of generic alerts from several client threads, with a `kill -9` of the server once a share of them
/// has been acknowledged.
///
/// Each client takes the next alert in order, posts it and records a 2xx as acknowledged; the client whose
/// acknowledgement reaches `killAfter` sends SIGKILL. After the kill every client stops at its next failure.
final class CrashBurst: Sendable {
    /// One generic alert: its id, service and the exact body sent.
    struct Alert: Sendable {
        var id: String
        var service: String
        var body: Data
    }

    struct Outcome: Sendable {
        /// Alerts answered with a 2xx, by id.
        var acknowledged: [String: Alert] = [:]
        /// Alerts whose request was started (acknowledged or not).
        var attempted = 0
        var isKilled = false
        /// Non-2xx answers or transport errors seen while the server was still alive (none expected).
        var failuresBeforeKill: [String] = []
    }

    let alerts: [Alert]
    private let state = Mutex<(next: Int, outcome: Outcome)>((0, Outcome()))

    init(alerts: [Alert]) {
        self.alerts = alerts
    }

    /// `count` alerts, the services taken in turn, all occurring at `at`.
    static func alerts(count: Int, services: [String], at date: Date) -> [Alert] {
        let occurred = date.formatted(Date.ISO8601FormatStyle())
        return (0..<count).map { index in
            let id = "crash-\(index)"
            let service = services[index % services.count]
            let body =
                #"{"id":"\#(id)","title":"error rate high on \#(service)","service":"\#(service)","#
                + #""severity":"critical","labels":{"burst":"crash"},"occurred_at":"\#(occurred)"}"#
            return Alert(id: id, service: service, body: Data(body.utf8))
        }
    }

    /// Posts every alert to `/v1/intake/generic` from `clients` threads; SIGKILLs `pid` at `killAfter` 2xx.
    func run(port: UInt16, clients: Int, killAfter: Int, pid: pid_t) async -> Outcome {
        await CrashThreads.run(clients) { _ in
            while let alert = self.nextAlert() {
                do {
                    let response = try CrashHTTPClient.request(
                        "POST", "/v1/intake/generic", body: alert.body, port: port)
                    if response.isSuccess {
                        self.acknowledge(alert, killAfter: killAfter, pid: pid)
                    } else if !self.fail(
                        "\(alert.id): HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
                    {
                        return
                    }
                } catch {
                    if !self.fail("\(alert.id): \(error)") { return }
                }
            }
        }
        return state.withLock { $0.outcome }
    }

    private func nextAlert() -> Alert? {
        state.withLock { state in
            guard !state.outcome.isKilled, state.next < alerts.count else { return nil }
            defer { state.next += 1 }
            state.outcome.attempted += 1
            return alerts[state.next]
        }
    }

    private func acknowledge(_ alert: Alert, killAfter: Int, pid: pid_t) {
        let kill = state.withLock { state in
            state.outcome.acknowledged[alert.id] = alert
            guard !state.outcome.isKilled, state.outcome.acknowledged.count >= killAfter else { return false }
            state.outcome.isKilled = true
            return true
        }
        // Marked killed first: every failure from here on is the kill's doing.
        if kill { ChildProcess.send(SIGKILL, to: pid) }
    }

    /// Records a failure; false when the server was killed (the client should stop).
    private func fail(_ message: String) -> Bool {
        state.withLock { state in
            guard !state.outcome.isKilled else { return false }
            state.outcome.failuresBeforeKill.append(message)
            return true
        }
    }
}
