public import MusterModel

/// The result of decoding one webhook body: zero or more alerts, or the reason it was accepted but ignored.
public struct Delivery: Hashable, Sendable {
    /// The alerts the body carries (one per Alertmanager/Grafana alert, one for PagerDuty or generic).
    public var alerts: [Alert]
    /// Set when the body is valid but carries nothing to act on (e.g. `incident.annotated`, `pagey.ping`).
    public var ignored: String?

    public init(alerts: [Alert], ignored: String? = nil) {
        self.alerts = alerts
        self.ignored = ignored
    }

    /// A delivery that is accepted and deliberately not acted upon.
    public static func ignored(_ reason: String) -> Delivery { Delivery(alerts: [], ignored: reason) }
}
