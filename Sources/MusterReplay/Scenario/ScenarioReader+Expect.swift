internal import Foundation
internal import MusterModel
internal import MusterYAML

extension ScenarioReader {
    static let incidentKeys: Set<String> = [
        "events", "teams", "notified", "root_cause", "customers", "actions", "avoid", "triaged_within",
    ]

    /// The `expect` block; event ids must name alert events, each listed at most once, and refs known entities.
    func expectation(_ node: YAMLNode, timeline: [TimelineEvent], known: Set<EntityRef>) throws -> Expectation {
        let fields = try fields(node, "expect")
        try fields.rejectUnknownKeys(allowed: ["incidents", "unrelated"])
        var events: [String: TimelineEvent] = [:]
        for event in timeline { if let id = event.id { events[id] = event } }
        var listed: [String: String] = [:]
        func alertID(_ item: YAMLNode, _ path: String) throws -> String {
            guard let id = item.scalar, !id.isEmpty else { throw error(item, path, "expected an event id") }
            guard let event = events[id] else { throw error(item, path, "'\(id)' is not an event id of the timeline") }
            guard event.isAlert else {
                throw error(item, path, "'\(id)' (line \(event.line)) is not an alert event")
            }
            if let first = listed[id] { throw error(item, path, "'\(id)' is already listed in \(first)") }
            listed[id] = path
            return id
        }
        var incidents: [ExpectedIncident] = []
        if let node = fields.optional("incidents") {
            for (index, item) in try list(node, "expect.incidents").enumerated() {
                let path = "expect.incidents[\(index)]"
                incidents.append(try incident(item, path, known: known) { try alertID($0, $1) })
            }
        }
        var unrelated: [String] = []
        if let node = fields.optional("unrelated") {
            for (index, item) in try list(node, "expect.unrelated").enumerated() {
                unrelated.append(try alertID(item, "expect.unrelated[\(index)]"))
            }
        }
        return Expectation(incidents: incidents, unrelated: unrelated)
    }

    private func incident(
        _ node: YAMLNode, _ path: String, known: Set<EntityRef>, alertID: (YAMLNode, String) throws -> String
    ) throws -> ExpectedIncident {
        let fields = try fields(node, path)
        try fields.rejectUnknownKeys(allowed: Self.incidentKeys)
        let eventsNode = try fields.required("events")
        let eventItems = try list(eventsNode, fields.path(of: "events"))
        guard !eventItems.isEmpty else { throw error(eventsNode, fields.path(of: "events"), "is empty") }
        var incident = ExpectedIncident(
            events: try eventItems.enumerated().map { try alertID($1, "\(fields.path(of: "events"))[\($0)]") })
        incident.teams = try refs(fields, "teams", known: known)
        incident.notified = try refs(fields, "notified", known: known)
        incident.customers = try refs(fields, "customers", known: known)
        if let node = fields.optional("root_cause") {
            let cause = try self.fields(node, fields.path(of: "root_cause"))
            try cause.rejectUnknownKeys(allowed: ["kind", "entity"])
            incident.rootCause = ExpectedRootCause(
                kind: try word(cause, "kind", in: ExpectedRootCause.kinds, what: "a root-cause kind"),
                entity: try knownRef(cause, "entity", known: known))
        }
        if fields.optional("actions") != nil {
            incident.actions = try fields.list("actions").enumerated().map { index, item in
                let action = try self.fields(item, "\(fields.path(of: "actions"))[\(index)]")
                try action.rejectUnknownKeys(allowed: ["action", "target"])
                return ExpectedAction(
                    action: try word(action, "action", in: ExpectedAction.names, what: "an action name"),
                    target: try knownRef(action, "target", known: known))
            }
        }
        if fields.optional("avoid") != nil {
            incident.avoid = try fields.list("avoid").enumerated().map { index, item in
                let itemPath = "\(fields.path(of: "avoid"))[\(index)]"
                guard let name = item.scalar, ExpectedAction.names.contains(name) else {
                    throw error(
                        item, itemPath,
                        "'\(item.scalar ?? "?")' is not an action name (expected one of: "
                            + "\(ExpectedAction.names.joined(separator: ", ")))")
                }
                return name
            }
        }
        if let within = try fields.optionalDuration("triaged_within") {
            guard within >= 0 else {
                throw error(
                    try fields.required("triaged_within"), fields.path(of: "triaged_within"), "must not be negative")
            }
            incident.triagedWithin = within
        }
        return incident
    }

    /// An optional list of references to known entities.
    private func refs(_ fields: YAMLFields, _ key: String, known: Set<EntityRef>) throws -> [EntityRef]? {
        guard fields.optional(key) != nil else { return nil }
        return try fields.list(key).enumerated().map { index, item in
            let itemPath = "\(fields.path(of: key))[\(index)]"
            let ref = try YAMLFields.ref(item, file: file, path: itemPath)
            try check(RefUse(ref: ref, node: item, field: itemPath, context: key), known: known, scope: "the scenario")
            return ref
        }
    }
}
