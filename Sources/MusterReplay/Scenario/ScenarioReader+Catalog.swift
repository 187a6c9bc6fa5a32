internal import MusterLake
internal import MusterModel
internal import MusterYAML

extension ScenarioReader {
    /// The `catalog` list: entities with unique refs whose relations all name catalog entities.
    func catalog(_ node: YAMLNode) throws -> [Entity] {
        var entities: [Entity] = []
        var seen: [EntityRef: Int] = [:]
        var uses: [RefUse] = []
        for (index, item) in try list(node, "catalog").enumerated() {
            let path = "catalog[\(index)]"
            let (entity, relations) = try self.entity(item, path)
            if let line = seen[entity.ref] {
                throw error(
                    item["id"] ?? item, "\(path).id", "duplicate entity \(entity.ref) (first defined at line \(line))")
            }
            seen[entity.ref] = item.mark.line
            entities.append(entity)
            uses += relations
        }
        let known = Set(seen.keys)
        for use in uses { try check(use, known: known, scope: "the catalog") }
        return entities
    }

    /// One entity (a catalog item or a timeline `entity` upsert) and its relation references, not yet checked.
    ///
    /// The item itself is read by `LakeImporter.entity(from:file:path:)`, the lake's own catalog reader.
    func entity(_ node: YAMLNode, _ path: String) throws -> (Entity, [RefUse]) {
        let entity = try LakeImporter.entity(from: node, file: file, path: path)
        var uses: [RefUse] = []
        for (name, value) in node["relations"]?.mapping ?? [] {
            let items = value.sequence ?? [value]
            for (index, item) in items.enumerated() {
                guard let text = item.scalar, let target = EntityRef(text) else { continue }
                let field = "\(path).relations.\(name)" + (items.count > 1 ? "[\(index)]" : "")
                uses.append(RefUse(ref: target, node: item, field: field, context: "\(entity.ref) relation \(name)"))
            }
        }
        return (entity, uses)
    }

    /// The `oncall` list: shifts of catalog teams and users, each `from` before its `to`.
    func oncall(_ node: YAMLNode, known: Set<EntityRef>) throws -> [OnCallShift] {
        try list(node, "oncall").enumerated().map { index, item in
            let fields = try fields(item, "oncall[\(index)]")
            try fields.rejectUnknownKeys(allowed: ["team", "user", "from", "to"])
            let team = try knownRef(fields, "team", known: known)
            let user = try knownRef(fields, "user", known: known)
            let from = try offset(fields, "from")
            let to = try offset(fields, "to")
            guard from.seconds < to.seconds else {
                throw error(
                    try fields.required("to"), fields.path(of: "to"),
                    "the shift must end after it starts (from \(DurationText.format(from.seconds)))")
            }
            return OnCallShift(team: team, user: user, from: from.date, to: to.date)
        }
    }
}
