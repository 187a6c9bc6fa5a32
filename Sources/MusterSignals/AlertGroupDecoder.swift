internal import Foundation
internal import MusterModel

/// Decodes Alertmanager webhook v4 bodies and Grafana unified-alerting bodies (an Alertmanager superset).
enum AlertGroupDecoder {
    static func decode(_ root: PayloadField, source: AlertSource, receivedAt: Date) throws(DecodeError) -> Delivery {
        let version = try root.optionalString("version")
        var source = source
        switch (source, version) {
        case (.alertmanager, "4"), (.grafana, "1"), (.grafana, nil):
            break
        case (.alertmanager, "1") where try root.optional("orgId") != nil:
            // A Grafana body posted to the Alertmanager endpoint: the formats are told apart by version.
            source = .grafana
        case (.alertmanager, nil):
            throw .missing("version")
        case (.grafana, "4"):
            source = .alertmanager
        default:
            throw DecodeError(
                .unsupportedVersion, path: "version",
                reason: "version '\(version ?? "")' is not supported (Alertmanager sends \"4\", Grafana \"1\")")
        }
        let commonLabels = try root.labels("commonLabels")
        let commonAnnotations = try root.labels("commonAnnotations")
        let groupKey = try root.optionalString("groupKey")
        let groupTitle = try root.optionalString("title")
        let items = try root.elements("alerts")
        guard !items.isEmpty else { return .ignored("the alert group carries no alerts") }

        var alerts: [Alert] = []
        alerts.reserveCapacity(items.count)
        for item in items {
            var alert = try decodeAlert(
                item, source: source, commonLabels: commonLabels, commonAnnotations: commonAnnotations,
                groupTitle: groupTitle, receivedAt: receivedAt)
            if let groupKey { alert.hints["group_key"] = groupKey }
            alerts.append(alert)
        }
        return Delivery(alerts: alerts)
    }

    private static func decodeAlert(
        _ item: PayloadField, source: AlertSource, commonLabels: [String: String],
        commonAnnotations: [String: String], groupTitle: String?, receivedAt: Date
    ) throws(DecodeError) -> Alert {
        let statusText = try item.string("status")
        let status: AlertStatus
        switch statusText {
        case "firing": status = .firing
        case "resolved": status = .resolved
        default: throw .invalid("\(item.path).status", "expected 'firing' or 'resolved', got '\(statusText)'")
        }
        let labels = overlay(commonLabels, on: try item.labels("labels"))
        let annotations = overlay(commonAnnotations, on: try item.labels("annotations"))
        let startedAt = try item.date("startsAt")
        let fingerprint = try item.optionalString("fingerprint") ?? LabelFingerprint.of(labels)
        let title = annotations["summary"] ?? labels["alertname"] ?? groupTitle ?? "alert \(fingerprint)"

        var hints: [String: String] = [:]
        if let description = annotations["description"] { hints["description"] = description }
        if let runbook = annotations["runbook_url"] { hints["runbook_url"] = runbook }
        if let generator = try item.optionalString("generatorURL") { hints["generator_url"] = generator }
        if status == .resolved, let endsAt = try item.optionalDate("endsAt"), endsAt > startedAt {
            hints["ends_at"] = Timestamp.format(endsAt)
        }
        if source == .grafana {
            hints["dashboard_url"] = try item.optionalString("dashboardURL")
            hints["panel_url"] = try item.optionalString("panelURL")
            hints["grafana_values"] = try grafanaValues(item)
            hints["grafana_value_string"] = try item.optionalString("valueString")
        }
        return Alert(
            source: source, sourceID: fingerprint, dedupKey: fingerprint, status: status, title: title,
            severity: Severity(word: labels["severity"]), labels: labels, startedAt: startedAt,
            receivedAt: receivedAt, hints: hints)
    }

    /// `own` with the group's common entries it lacks. Alertmanager's common labels are shared by every alert of
    /// the group, so usually nothing is added and nothing is copied.
    private static func overlay(_ common: [String: String], on own: [String: String]) -> [String: String] {
        var merged = own
        for (name, value) in common where merged[name] == nil { merged[name] = value }
        return merged
    }

    /// Grafana's `values` (refId -> number) rendered as `B=10480 C=1`, sorted by refId.
    private static func grafanaValues(_ item: PayloadField) throws(DecodeError) -> String? {
        let values = try item.labels("values")
        guard !values.isEmpty else { return nil }
        return values.keys.sorted().map { "\($0)=\(values[$0] ?? "")" }.joined(separator: " ")
    }
}
