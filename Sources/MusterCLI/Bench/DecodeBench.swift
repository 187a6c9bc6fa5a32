import Foundation
import MusterModel
import MusterSignals

/// The CPU cost of decoding one intake body, which the HTTP worker pays before it commits: the same Alertmanager
/// webhook bodies the intake bench posts, decoded in a loop on one thread.
enum DecodeBench {
    static let rounds = 20_000

    /// One row per shape of ``IntakeBench``: microseconds per body, the median of five timed loops.
    static func rows() -> [BenchRow] {
        let now = Date()
        return IntakeBench.shapes.map { perRequest in
            let bodies = (0..<16).map { Data(IntakeBench.webhookBody($0, alerts: perRequest, at: now)) }
            let clock = ContinuousClock()
            var decoded = 0
            var samples: [Double] = []
            for _ in 0..<5 {
                let started = clock.now
                for round in 0..<rounds {
                    let delivery = try? SignalDecoder.decode(.alertmanager, body: bodies[round % 16], receivedAt: now)
                    decoded += delivery?.alerts.count ?? 0
                }
                samples.append(BenchStats.microseconds(clock.now - started) / Double(rounds))
            }
            let expected = 5 * rounds * perRequest
            return BenchRow(
                "decode one webhook body, \(perRequest) alert\(perRequest == 1 ? "" : "s") (µs)",
                BenchStats.format(BenchStats.median(samples), digits: 2),
                target: "all decoded", isMet: decoded == expected)
        }
    }
}
