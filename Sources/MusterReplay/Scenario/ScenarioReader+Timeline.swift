internal import Foundation
internal import MusterModel
internal import MusterYAML

extension ScenarioReader {
    static let payloadKeys = ["alert", "deploy", "change", "action", "entity"]
    static let actionResults = ["succeeded", "failed"]

    /// The `timeline` list, sorted by `at` (ties keep file order), with every reference checked against the
    /// catalog and the `entity` events before it.
    func timeline(_ node: YAMLNode, known catalog: Set<EntityRef>) throws -> [TimelineEvent] {
        var parsed: [(event: TimelineEvent, uses: [RefUse], index: Int)] = []
        var ids: [String: Int] = [:]
        for (index, item) in try list(node, "timeline").enumerated() {
            let path = "timeline[\(index)]"
            let (event, uses) = try self.event(item, path)
            if let id = event.id {
                if let line = ids[id] {
                    throw error(
                        item["id"] ?? item, "\(path).id", "duplicate event id '\(id)' (first used at line \(line))")
                }
                ids[id] = event.line
            }
            parsed.append((event, uses, index))
        }
        parsed.sort { ($0.event.offset, $0.index) < ($1.event.offset, $1.index) }
        var known = catalog
        for (event, uses, _) in parsed {
            if case .entity(let entity) = event.payload { known.insert(entity.ref) }
            for use in uses { try check(use, known: known, scope: "the catalog or an earlier entity event") }
        }
        return parsed.map(\.event)
    }

    /// One event and its references, not yet checked.
    private func event(_ node: YAMLNode, _ path: String) throws -> (TimelineEvent, [RefUse]) {
        let fields = try fields(node, path)
        try fields.rejectUnknownKeys(allowed: Set(Self.payloadKeys + ["id", "at"]))
        let keys = Self.payloadKeys.filter { node[$0] != nil }
        guard let key = keys.first else {
            throw error(node, path, "an event needs one of: \(Self.payloadKeys.joined(separator: ", "))")
        }
        guard keys.count == 1 else {
            throw ScenarioError(
                file: file, mark: node.markOfKey(keys[1]) ?? node.mark, field: fields.path(of: keys[1]),
                message: "an event has exactly one payload key, found both \(keys[0]) and \(keys[1])")
        }
        let at = try offset(fields, "at")
        let id = try fields.optionalString("id")
        if key == "alert", id == nil { throw error(node, "\(path).id", "required on alert events") }
        let body = try fields.required(key)
        let bodyPath = fields.path(of: key)
        var uses: [RefUse] = []
        let payload: TimelinePayload
        switch key {
        case "alert":
            payload = try alert(body, bodyPath)
        case "deploy":
            let deploy = try self.fields(body, bodyPath)
            try deploy.rejectUnknownKeys(allowed: ["service", "version", "by", "commit"])
            payload = .deploy(
                Deployment(
                    target: try ref(deploy, "service", &uses), at: at.date,
                    version: try deploy.optionalString("version"),
                    by: try optionalRef(deploy, "by", &uses), commit: try deploy.optionalString("commit")))
        case "change":
            let change = try self.fields(body, bodyPath)
            try change.rejectUnknownKeys(allowed: ["entity", "summary", "by"])
            payload = .change(
                Change(
                    target: try ref(change, "entity", &uses), at: at.date, summary: try change.string("summary"),
                    by: try optionalRef(change, "by", &uses)))
        case "action":
            let action = try self.fields(body, bodyPath)
            try action.rejectUnknownKeys(allowed: ["name", "target", "by", "result"])
            let result =
                action.optional("result") == nil
                ? nil : try word(action, "result", in: Self.actionResults, what: "an action result")
            payload = .action(
                ActionRecord(
                    name: try action.string("name"), target: try ref(action, "target", &uses), at: at.date,
                    by: try optionalRef(action, "by", &uses), result: result))
        default:
            let (entity, relations) = try self.entity(body, bodyPath)
            uses = relations
            payload = .entity(entity)
        }
        return (TimelineEvent(id: id, at: at.date, offset: at.seconds, line: node.mark.line, payload: payload), uses)
    }

    /// `{source, payload}`: a known source and a mapping body, typed conservatively.
    private func alert(_ node: YAMLNode, _ path: String) throws -> TimelinePayload {
        let fields = try fields(node, path)
        try fields.rejectUnknownKeys(allowed: ["source", "payload"])
        let text = try fields.string("source")
        guard let source = AlertSource(rawValue: text) else {
            let words = AlertSource.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(
                try fields.required("source"), fields.path(of: "source"),
                "'\(text)' is not an alert source (expected one of: \(words))")
        }
        let body = try fields.required("payload")
        guard body.mapping != nil else {
            throw error(
                body, fields.path(of: "payload"), "expected a mapping (the body exactly as the source POSTs it)")
        }
        return .alert(source: source, payload: body.payloadJSON())
    }

    private func ref(_ fields: YAMLFields, _ key: String, _ uses: inout [RefUse]) throws -> EntityRef {
        let ref = try fields.ref(key)
        uses.append(RefUse(ref: ref, node: try fields.required(key), field: fields.path(of: key), context: key))
        return ref
    }

    private func optionalRef(_ fields: YAMLFields, _ key: String, _ uses: inout [RefUse]) throws -> EntityRef? {
        guard fields.optional(key) != nil else { return nil }
        return try ref(fields, key, &uses)
    }
}
