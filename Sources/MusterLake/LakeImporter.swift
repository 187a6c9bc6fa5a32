public import Foundation
public import MusterModel
public import MusterYAML

/// Reads entity catalogs (Muster's own entity files, Backstage `catalog-info.yaml`) into the lake.
public enum LakeImporter {
    static let entityKeys: Set<String> = ["kind", "id", "title", "properties", "relations"]

    /// Turns one catalog item `{kind, id, title?, properties?, relations?}` into an entity.
    ///
    /// `path` names the item in messages (`catalog[3]`). Unknown keys, a missing kind or id, a kind not
    /// matching `[a-z][a-zA-Z0-9-]*` and a relation value that is not `kind:id` (or a list of them) throw.
    public static func entity(from node: YAMLNode, file: String, path: String = "") throws(YAMLError) -> Entity {
        let fields = try YAMLFields(node, file: file, path: path)
        try fields.rejectUnknownKeys(allowed: entityKeys)
        let kind = try fields.string("kind")
        guard isValidKind(kind) else {
            throw fields.error(
                at: try fields.required("kind"),
                "\(fields.path(of: "kind")): '\(kind)' is not a valid kind ([a-z][a-zA-Z0-9-]*)")
        }
        let id = try fields.string("id")
        guard !id.isEmpty else {
            throw fields.error(at: try fields.required("id"), "\(fields.path(of: "id")): must not be empty")
        }
        var properties: [String: JSONValue] = [:]
        if let node = fields.optional("properties") {
            guard case .object(let members) = node.json() else {
                throw fields.error(at: node, "\(fields.path(of: "properties")): expected a mapping")
            }
            properties = members
        }
        var relations: [String: [EntityRef]] = [:]
        if let node = fields.optional("relations") {
            let relationFields = try YAMLFields(node, file: file, path: fields.path(of: "relations"))
            for (name, _) in node.mapping ?? [] {
                let targets = relationFields.list(name)
                var refs: [EntityRef] = []
                for (index, target) in targets.enumerated() {
                    let itemPath = relationFields.path(of: name) + (targets.count > 1 ? "[\(index)]" : "")
                    refs.append(try YAMLFields.ref(target, file: file, path: itemPath))
                }
                if !refs.isEmpty { relations[name] = refs }
            }
        }
        return Entity(
            ref: EntityRef(kind: kind, id: id), title: try fields.optionalString("title"), properties: properties,
            relations: relations)
    }

    /// Parses a Muster entity file (JSON or YAML): a list of items, or a mapping with an `entities` list.
    /// Returns the valid entities and one error per invalid item.
    public static func entities(fromText text: String, file: String) -> (entities: [Entity], errors: [ImportError]) {
        let parsed = items(fromText: text, file: file)
        return (parsed.items.map(\.entity), parsed.errors)
    }

    typealias Item = (entity: Entity, file: String, line: Int)

    static func items(fromText text: String, file: String) -> (items: [Item], errors: [ImportError]) {
        let root: YAMLNode
        do {
            guard let parsed = try YAML.parse(text, file: file) else { return ([], []) }
            root = parsed
        } catch {
            return ([], [ImportError(error)])
        }
        let items: [YAMLNode]
        if let list = root.sequence {
            items = list
        } else if let list = root["entities"]?.sequence, root.mapping?.count == 1 {
            items = list
        } else {
            let error = ImportError(
                file: file, line: root.mark.line, column: root.mark.column,
                reason: "expected a list of entities (or a mapping with an 'entities' list)")
            return ([], [error])
        }
        var entities: [Item] = []
        var errors: [ImportError] = []
        for (index, item) in items.enumerated() {
            do {
                entities.append((try entity(from: item, file: file, path: "[\(index)]"), file, item.mark.line))
            } catch {
                errors.append(ImportError(error))
            }
        }
        return (entities, errors)
    }

    /// Imports Muster entity files into the lake at `instant`.
    ///
    /// Items with errors are reported and skipped; an entity whose relation points at an entity that is
    /// neither in the lake nor in the import set is rejected too (as is anything that then points at it).
    public static func importEntityFiles(_ paths: [String], into lake: ContextLake, at instant: Date) throws
        -> ImportReport
    {
        var batch: [Item] = []
        var report = ImportReport()
        for file in try expand(paths, extensions: ["json", "yaml", "yml"]) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let parsed = items(fromText: text, file: file)
            report.errors += parsed.errors
            batch += parsed.items
        }
        let accepted = rejectDangling(batch, lake: lake, report: &report)
        try lake.upsert(accepted, at: instant)
        report.imported = accepted.count
        return report
    }

    /// Drops duplicates and entities whose relations cannot resolve (repeatedly), reporting each.
    static func rejectDangling(
        _ batch: [Item], lake: ContextLake, report: inout ImportReport
    ) -> [Entity] {
        var items: [Item] = []
        var seen: Set<EntityRef> = []
        for item in batch {
            if seen.insert(item.entity.ref).inserted {
                items.append(item)
            } else {
                report.errors.append(
                    ImportError(
                        file: item.file, line: item.line, reason: "\(item.entity.ref) is defined more than once",
                        ref: item.entity.ref))
            }
        }
        while true {
            let known = Set(items.map(\.entity.ref))
            var kept: [Item] = []
            for item in items {
                let missing = item.entity.relations.sorted { $0.key < $1.key }.lazy.flatMap { name, targets in
                    targets.lazy.map { (name, $0) }
                }.first { !known.contains($0.1) && lake.entity($0.1) == nil }
                if let (name, target) = missing {
                    report.errors.append(
                        ImportError(
                            file: item.file, line: item.line,
                            reason: "\(item.entity.ref): relation \(name) -> \(target): \(target) does not exist",
                            ref: item.entity.ref))
                } else {
                    kept.append(item)
                }
            }
            if kept.count == items.count { return kept.map(\.entity) }
            items = kept
        }
    }

    /// Files under `paths` (directories recursively) with one of `extensions`, sorted.
    static func expand(_ paths: [String], extensions: Set<String>) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError(file: path, line: 0, reason: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let children = try manager.subpathsOfDirectory(atPath: path)
            for child in children where extensions.contains((child as NSString).pathExtension.lowercased()) {
                files.append((path as NSString).appendingPathComponent(child))
            }
        }
        return files.sorted()
    }

    static func isValidKind(_ kind: String) -> Bool {
        guard let first = kind.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return kind.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
        }
    }
}

extension ImportError {
    /// An import error from a YAML or schema error.
    public init(_ error: YAMLError) {
        self.init(file: error.file, line: error.mark.line, column: error.mark.column, reason: error.message)
    }
}
