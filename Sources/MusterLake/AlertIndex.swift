internal import MusterModel

/// Hash indexes that map an alert to its entity without scanning the catalog.
///
/// Rules, in order: (1) `properties.alert_labels` contained in the alert's labels, most labels wins;
/// (2) the PagerDuty service id hint equals `properties.pagerduty_service_id`; (3) the generic `service`
/// hint equals a service/resource id; (4) a label `service`, `app`, `job`, `component` or `consumergroup`,
/// then a Kubernetes workload label (`deployment`, `statefulset`, `daemonset`, `container`: kube-state-metrics
/// alerts name their exporter in `job` and `service`), equals the id of a service/resource that has no
/// `alert_labels`; (5) the PagerDuty service name hint
/// equals a service/resource id. Ties between kinds prefer `service`, then the smaller ref.
struct AlertIndex {
    private struct LabelPair: Hashable {
        var name: String
        var value: String
    }

    /// The label names whose value may be an entity id (rule 4), in priority order.
    static let idLabels = [
        "service", "app", "job", "component", "consumergroup", "deployment", "statefulset", "daemonset", "container",
    ]
    static let mappedKinds: Set<String> = ["service", "resource"]

    private var ruleCandidates: [LabelPair: [Int32]] = [:]
    private var rules: [Int32: [LabelPair]] = [:]
    private var byID: [String: [Int32]] = [:]
    private var byLabelID: [String: [Int32]] = [:]
    private var byPagerDutyID: [String: [Int32]] = [:]

    mutating func add(_ entity: Entity, node: Int32) {
        if let labels = Self.alertLabels(entity), let first = labels.first {
            rules[node] = labels
            ruleCandidates[first, default: []].append(node)
        }
        if let serviceID = entity.properties["pagerduty_service_id"]?.stringValue {
            byPagerDutyID[serviceID, default: []].append(node)
        }
        guard Self.mappedKinds.contains(entity.ref.kind) else { return }
        byID[entity.ref.id, default: []].append(node)
        if rules[node] == nil { byLabelID[entity.ref.id, default: []].append(node) }
    }

    mutating func remove(_ entity: Entity, node: Int32) {
        if let first = rules.removeValue(forKey: node)?.first {
            ruleCandidates[first]?.removeAll { $0 == node }
        }
        if let serviceID = entity.properties["pagerduty_service_id"]?.stringValue {
            byPagerDutyID[serviceID]?.removeAll { $0 == node }
        }
        byID[entity.ref.id]?.removeAll { $0 == node }
        byLabelID[entity.ref.id]?.removeAll { $0 == node }
    }

    /// The node the alert belongs to; `refs` resolves nodes for tie-breaking.
    func node(for alert: Alert, refs: [EntityRef]) -> Int32? {
        var best: (node: Int32, size: Int)?
        for (name, value) in alert.labels {
            for node in ruleCandidates[LabelPair(name: name, value: value)] ?? [] {
                guard let labels = rules[node], labels.allSatisfy({ alert.labels[$0.name] == $0.value }) else {
                    continue
                }
                if let current = best,
                    current.size > labels.count
                        || (current.size == labels.count && refs[Int(current.node)] < refs[Int(node)])
                {
                    continue
                }
                best = (node, labels.count)
            }
        }
        if let best { return best.node }
        if let id = alert.hints[AlertHint.pagerDutyServiceID], let node = pick(byPagerDutyID[id], refs) { return node }
        if let id = alert.hints[AlertHint.service], let node = pick(byID[id], refs) { return node }
        for label in Self.idLabels {
            if let id = alert.labels[label], let node = pick(byLabelID[id], refs) { return node }
        }
        if let name = alert.hints[AlertHint.pagerDutyServiceName], let node = pick(byID[name], refs) { return node }
        return nil
    }

    private func pick(_ nodes: [Int32]?, _ refs: [EntityRef]) -> Int32? {
        guard let nodes, !nodes.isEmpty else { return nil }
        if nodes.count == 1 { return nodes[0] }
        return nodes.min { lhs, rhs in
            let left = refs[Int(lhs)]
            let right = refs[Int(rhs)]
            if (left.kind == "service") != (right.kind == "service") { return left.kind == "service" }
            return left < right
        }
    }

    /// `properties.alert_labels` as sorted label pairs; nil when absent or empty.
    private static func alertLabels(_ entity: Entity) -> [LabelPair]? {
        guard let members = entity.properties["alert_labels"]?.objectValue, !members.isEmpty else { return nil }
        let pairs = members.compactMap { key, value in value.stringValue.map { LabelPair(name: key, value: $0) } }
        return pairs.isEmpty ? nil : pairs.sorted { ($0.name, $0.value) < ($1.name, $1.value) }
    }
}
