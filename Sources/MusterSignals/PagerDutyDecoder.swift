internal import Foundation
internal import MusterModel

/// Decodes PagerDuty Webhooks V3 bodies (`{"event": {...}}`), one event per body.
enum PagerDutyDecoder {
    /// Event types that describe the incident's lifecycle; everything else is accepted and ignored.
    static let statusByEventType: [String: AlertStatus] = [
        "incident.triggered": .firing,
        "incident.reopened": .firing,
        "incident.unacknowledged": .firing,
        "incident.escalated": .firing,
        "incident.acknowledged": .acknowledged,
        "incident.resolved": .resolved,
    ]

    /// Event types PagerDuty documents that carry nothing Muster acts on (notes, responders, fields...).
    static let knownIgnoredPrefixes = [
        "incident.annotated", "incident.priority_updated", "incident.reassigned", "incident.delegated",
        "incident.service_updated", "incident.incident_type.", "incident.status_update_published",
        "incident.responder.", "incident.conference_bridge.", "incident.custom_field_values.", "incident.role.",
        "incident.task.", "incident.action_invocation.", "incident.workflow.", "incident.title_updated",
        "incident.urgency_updated", "service.", "pagey.",
    ]

    static func decode(_ root: PayloadField, receivedAt: Date) throws(DecodeError) -> Delivery {
        let event = try root.required("event")
        let eventType = try event.string("event_type")
        guard var status = statusByEventType[eventType] else {
            let known = knownIgnoredPrefixes.contains { eventType.hasPrefix($0) }
            return .ignored("PagerDuty event type '\(eventType)' \(known ? "carries no status change" : "is unknown")")
        }
        let data = try event.required("data")
        // An escalation does not change the status: keep an acknowledged incident acknowledged.
        if eventType == "incident.escalated", try data.optionalString("status") == "acknowledged" {
            status = .acknowledged
        }
        let id = try data.string("id")
        let incidentKey = try data.optionalString("incident_key")
        let number = try data.optionalString("number")
        let title = try data.optionalString("title") ?? "PagerDuty incident #\(number ?? id)"
        // A reopened incident started again when it reopened: its `created_at` is the first occurrence's.
        let startedAt: Date
        if eventType != "incident.reopened", let created = try data.optionalDate("created_at") {
            startedAt = created
        } else {
            startedAt = try event.date("occurred_at")
        }
        let priority = try data.optional("priority")?.optionalString("summary")
        let urgency = try data.optionalString("urgency")

        var labels: [String: String] = [:]
        var hints: [String: String] = [:]
        hints[AlertHint.deliveryID] = try event.optionalString("id")
        hints[AlertHint.incidentKey] = incidentKey
        if let service = try data.optional("service") {
            hints[AlertHint.pagerDutyServiceID] = try service.optionalString("id")
            hints[AlertHint.pagerDutyServiceName] = try service.optionalString("summary")
            labels["pagerduty_service"] = try service.optionalString("summary")
        }
        if try data.optional("teams") != nil {
            var names: [String] = []
            for team in try data.elements("teams") {
                if let name = try team.optionalString("summary") { names.append(name) }
            }
            if !names.isEmpty { labels["pagerduty_teams"] = names.joined(separator: ",") }
        }
        if let policy = try data.optional("escalation_policy") {
            labels["pagerduty_escalation_policy"] = try policy.optionalString("summary")
        }
        labels["pagerduty_priority"] = priority
        labels["pagerduty_urgency"] = urgency
        hints["pagerduty_incident_number"] = number
        hints["pagerduty_html_url"] = try data.optionalString("html_url")
        if status == .resolved, let reason = try data.optional("resolve_reason"),
            try reason.optionalString("type") == "merge_resolve_reason"
        {
            // Merged into another incident, not recovered: it goes on as part of that one, and resolves with it.
            hints[AlertHint.pagerDutyMergedInto] = try reason.optional("incident")?.optionalString("id") ?? ""
            status = .acknowledged
        }

        // PagerDuty scopes an incident key to its service: the same key on two services is two alerts.
        let serviceID = hints[AlertHint.pagerDutyServiceID] ?? nil
        let dedupKey = incidentKey.map { key in serviceID.map { "\($0)/\(key)" } ?? key } ?? id
        let alert = Alert(
            source: .pagerduty, sourceID: id, dedupKey: dedupKey, status: status, title: title,
            severity: Severity(word: priority ?? urgency), labels: labels, startedAt: startedAt,
            receivedAt: receivedAt, hints: hints)
        return Delivery(alerts: [alert])
    }
}
