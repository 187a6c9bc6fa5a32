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
        let group = AlertGroup(
            source: source, commonLabels: try root.labels("commonLabels"),
            commonAnnotations: try root.labels("commonAnnotations"), key: try root.optionalString("groupKey"),
            title: try root.optionalString("title"))
        let items = try root.elements("alerts")
        guard !items.isEmpty else { return AlertGroup.empty }

        var alerts: [Alert] = []
        alerts.reserveCapacity(items.count)
        for item in items {
            var alert = group.alert(try readItem(item), receivedAt: receivedAt)
            if source == .grafana { alert.hints.merge(try grafanaHints(item)) { $1 } }
            alerts.append(alert)
        }
        return Delivery(alerts: alerts)
    }

    private static func readItem(_ item: PayloadField) throws(DecodeError) -> AlertGroup.Item {
        let statusText = try item.string("status")
        let status: AlertStatus
        switch statusText {
        case "firing": status = .firing
        case "resolved": status = .resolved
        default: throw .invalid("\(item.path).status", "expected 'firing' or 'resolved', got '\(statusText)'")
        }
        return AlertGroup.Item(
            status: status, labels: try item.labels("labels"), annotations: try item.labels("annotations"),
            startedAt: try item.date("startsAt"),
            // Read only for a resolved alert: a firing alert's end is a placeholder that need not parse.
            endsAt: status == .resolved ? try item.optionalDate("endsAt") : nil,
            fingerprint: try item.optionalString("fingerprint"), generatorURL: try item.optionalString("generatorURL"))
    }

    /// Grafana's links and values.
    private static func grafanaHints(_ item: PayloadField) throws(DecodeError) -> [String: String] {
        var hints: [String: String] = [:]
        hints["dashboard_url"] = try item.optionalString("dashboardURL")
        hints["panel_url"] = try item.optionalString("panelURL")
        hints["grafana_values"] = try grafanaValues(item)
        hints["grafana_value_string"] = try item.optionalString("valueString")
        return hints
    }

    /// Grafana's `values` (refId -> number) rendered as `B=10480 C=1`, sorted by refId.
    private static func grafanaValues(_ item: PayloadField) throws(DecodeError) -> String? {
        let values = try item.labels("values")
        guard !values.isEmpty else { return nil }
        return values.keys.sorted().map { "\($0)=\(values[$0] ?? "")" }.joined(separator: " ")
    }
}

/// What an Alertmanager or Grafana alert group says about all its alerts, and how one alert of it becomes an
/// `Alert`. Both readers of these bodies, the generic one and ``AlertmanagerBodyReader``, assemble alerts here.
struct AlertGroup {
    /// One alert of a group as its body gives it, before the group's common labels and annotations are laid over it.
    struct Item {
        var status: AlertStatus
        var labels: [String: String]
        var annotations: [String: String]
        var startedAt: Date
        /// Only for a resolved alert.
        var endsAt: Date?
        var fingerprint: String?
        var generatorURL: String?
    }

    var source: AlertSource
    var commonLabels: [String: String]
    var commonAnnotations: [String: String]
    var key: String?
    var title: String?

    /// A group without alerts is accepted and ignored.
    static let empty = Delivery.ignored("the alert group carries no alerts")

    func alert(_ item: Item, receivedAt: Date) -> Alert {
        let labels = Self.overlay(commonLabels, on: item.labels)
        let annotations = Self.overlay(commonAnnotations, on: item.annotations)
        let fingerprint = item.fingerprint ?? LabelFingerprint.of(labels)
        var hints = [String: String](minimumCapacity: 6)
        if let description = annotations["description"] { hints["description"] = description }
        if let runbook = annotations["runbook_url"] { hints["runbook_url"] = runbook }
        if let generator = item.generatorURL { hints["generator_url"] = generator }
        if item.status == .resolved, let endsAt = item.endsAt, endsAt > item.startedAt {
            hints["ends_at"] = Timestamp.format(endsAt)
        }
        if let key { hints["group_key"] = key }
        return Alert(
            source: source, sourceID: fingerprint, dedupKey: fingerprint, status: item.status,
            title: annotations["summary"] ?? labels["alertname"] ?? title ?? "alert \(fingerprint)",
            severity: Severity(word: labels["severity"]), labels: labels, startedAt: item.startedAt,
            receivedAt: receivedAt, hints: hints)
    }

    /// `own` with the group's common entries it lacks. Alertmanager's common labels are shared by every alert of
    /// the group, so usually nothing is added and nothing is copied.
    private static func overlay(_ common: [String: String], on own: [String: String]) -> [String: String] {
        var merged = own
        for (name, value) in common where merged[name] == nil { merged[name] = value }
        return merged
    }
}
