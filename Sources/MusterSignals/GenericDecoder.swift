internal import Foundation
internal import MusterModel

/// Decodes Muster's generic format: `{"id"?, "title", "service", "severity", "status"?, "labels"?, "occurred_at"}`.
enum GenericDecoder {
    static func decode(_ root: PayloadField, receivedAt: Date) throws(DecodeError) -> Delivery {
        let title = try root.string("title")
        let service = try root.string("service")
        let id = try root.optionalString("id")
        let status: AlertStatus
        switch try root.optionalString("status") ?? "firing" {
        case "firing", "triggered": status = .firing
        case "acknowledged": status = .acknowledged
        case "resolved": status = .resolved
        case let other: throw .invalid("status", "expected 'firing', 'acknowledged' or 'resolved', got '\(other)'")
        }
        var labels = try root.labels("labels")
        if labels["service"] == nil { labels["service"] = service }
        let dedupKey = id ?? "\(service)/\(title)"
        let alert = Alert(
            source: .generic, sourceID: id ?? dedupKey, dedupKey: dedupKey, status: status, title: title,
            severity: Severity(word: try root.optionalString("severity")), labels: labels,
            startedAt: try root.date("occurred_at"), receivedAt: receivedAt, hints: [AlertHint.service: service])
        return Delivery(alerts: [alert])
    }
}
