public import Foundation
public import MusterModel
internal import MusterYAML

extension LakeImporter {
    /// How a spec field becomes a relation: the lake relation name and the default Backstage kind of its refs.
    private static let relationFields: [(field: String, relation: String, defaultKind: String?)] = [
        ("owner", Relation.ownedBy, "group"),
        ("system", Relation.partOf, "system"),
        ("domain", Relation.partOf, "domain"),
        ("subcomponentOf", Relation.partOf, "component"),
        ("subdomainOf", Relation.partOf, "domain"),
        ("dependsOn", Relation.dependsOn, nil),
        ("dependencyOf", Relation.dependencyOf, nil),
        ("providesApis", "providesApi", "api"),
        ("consumesApis", "consumesApi", "api"),
        ("memberOf", Relation.memberOf, "group"),
        ("parent", "hasParent", "group"),
        ("children", "parentOf", "group"),
        ("members", Relation.hasMember, "user"),
    ]

    /// Parses a Backstage `catalog-info.yaml` (one or more documents) into lake entities.
    ///
    /// Mapping: Component/Resource/API/System/Domain/Group/User -> service/resource/api/system/domain/team/user;
    /// `Location` documents are skipped. `spec.owner` -> `ownedBy`; `spec.system`, `spec.domain`,
    /// `spec.subcomponentOf`, `spec.subdomainOf` -> `partOf`; `spec.dependsOn`/`dependencyOf` (kind required);
    /// `spec.providesApis`/`consumesApis` -> `providesApi`/`consumesApi`; `spec.memberOf` -> `memberOf`;
    /// `spec.members` -> `hasMember`; Group `spec.parent` -> `hasParent` and `spec.children` -> `parentOf`
    /// (the model's pair, inverse of each other). Properties: `description`, `tags`, `labels`, `annotations`,
    /// `type`, `lifecycle`, `email`, `backstage_ref` and `pagerduty_service_id` (from `pagerduty.com/service-id`).
    /// A document with an invalid name, namespace, tag or reference is rejected with its file, line and reason.
    public static func backstageEntities(
        fromText text: String, file: String
    ) -> (entities: [Entity], skipped: Int, errors: [ImportError]) {
        let parsed = backstageItems(fromText: text, file: file)
        return (parsed.items.map(\.entity), parsed.skipped, parsed.errors)
    }

    /// Imports Backstage catalog files (directories are searched for `*.yaml`/`*.yml`) at `instant`.
    ///
    /// Policy for references to entities that neither the import set nor the lake define: Backstage catalogs
    /// routinely point at entities kept in other repositories, so the import creates a stub entity for each
    /// (`properties.stub = true`, no title) and lists it in `ImportReport.stubs`; importing the real entity
    /// later replaces the stub. Rejected documents are reported and the valid ones of the run are kept.
    public static func importBackstage(_ paths: [String], into lake: ContextLake, at instant: Date) throws
        -> ImportReport
    {
        var report = ImportReport()
        var items: [Item] = []
        for file in try expand(paths, extensions: ["yaml", "yml"]) {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            let parsed = backstageItems(fromText: text, file: file)
            items += parsed.items
            report.skipped += parsed.skipped
            report.errors += parsed.errors
        }
        var seen: Set<EntityRef> = []
        var entities: [Entity] = []
        for item in items {
            guard seen.insert(item.entity.ref).inserted else {
                report.errors.append(
                    ImportError(
                        file: item.file, line: item.line, reason: "\(item.entity.ref) is defined more than once",
                        ref: item.entity.ref))
                continue
            }
            entities.append(item.entity)
        }
        var stubs: Set<EntityRef> = []
        for entity in entities {
            for target in entity.relations.values.joined() where !seen.contains(target) && lake.entity(target) == nil {
                stubs.insert(target)
            }
        }
        report.stubs = stubs.sorted()
        let stubEntities = report.stubs.map { Entity(ref: $0, properties: ["stub": .bool(true)]) }
        try lake.upsert(stubEntities + entities, at: instant)
        report.imported = entities.count
        return report
    }

    static func backstageItems(fromText text: String, file: String) -> (
        items: [Item], skipped: Int, errors: [ImportError]
    ) {
        let documents: [YAMLNode]
        do {
            documents = try YAML.parseDocuments(text, file: file)
        } catch {
            return ([], 0, [ImportError(error)])
        }
        var items: [Item] = []
        var skipped = 0
        var errors: [ImportError] = []
        for document in documents {
            do {
                if let entity = try backstageEntity(from: document, file: file) {
                    items.append((entity, file, document.mark.line))
                } else {
                    skipped += 1
                }
            } catch {
                errors.append(ImportError(error))
            }
        }
        return (items, skipped, errors)
    }

    /// One Backstage document as an entity; nil for documents that are skipped (`Location`).
    static func backstageEntity(from document: YAMLNode, file: String) throws(YAMLError) -> Entity? {
        let root = try YAMLFields(document, file: file, path: "")
        let kindNode = try root.required("kind")
        guard let backstageKind = kindNode.scalar, !backstageKind.isEmpty else {
            throw root.error(at: kindNode, "kind: expected a kind name")
        }
        guard BackstageRef.lakeKind(backstageKind) != nil else { return nil }
        _ = try root.string("apiVersion")
        let metadata = try YAMLFields(try root.required("metadata"), file: file, path: "metadata")
        let nameNode = try metadata.required("name")
        let name = try metadata.string("name")
        guard BackstageRef.isValidName(name) else {
            throw metadata.error(
                at: nameNode,
                "metadata.name: '\(name)' is not a valid Backstage name (1-63 characters: letters and digits separated by single '-', '_' or '.')"
            )
        }
        let namespace = try metadata.optionalString("namespace") ?? "default"
        guard BackstageRef.isValidNamespace(namespace) else {
            throw metadata.error(
                at: metadata.optional("namespace") ?? nameNode,
                "metadata.namespace: '\(namespace)' is not a valid namespace")
        }
        let ref = BackstageRef.ref(kind: backstageKind, namespace: namespace, name: name)
        var properties: [String: JSONValue] = [
            "backstage_ref": .string("\(backstageKind.lowercased()):\(namespace.lowercased())/\(name.lowercased())")
        ]
        if let description = try metadata.optionalString("description") {
            properties["description"] = .string(description)
        }
        if let tags = metadata.optional("tags") {
            for tag in tags.sequence ?? [tags] {
                guard let text = tag.scalar, BackstageRef.isValidTag(text) else {
                    throw metadata.error(
                        at: tag,
                        "metadata.tags: '\(tag.scalar ?? "?")' is not a valid tag (lower-case letters, digits, ':', '+', '#' separated by '-')"
                    )
                }
            }
            properties["tags"] = tags.json()
        }
        for key in ["labels", "annotations"] {
            if let node = metadata.optional(key), case .object(let members) = node.json() {
                properties[key] = .object(members)
            }
        }
        if let serviceID = metadata.optional("annotations")?["pagerduty.com/service-id"]?.scalar {
            properties["pagerduty_service_id"] = .string(serviceID)
        }
        var relations: [String: [EntityRef]] = [:]
        var title = try metadata.optionalString("title")
        if let specNode = root.optional("spec") {
            let spec = try YAMLFields(specNode, file: file, path: "spec")
            for key in ["type", "lifecycle"] {
                if let value = try spec.optionalString(key) { properties[key] = .string(value) }
            }
            if let profile = spec.optional("profile") {
                title = title ?? profile["displayName"]?.scalar
                if let email = profile["email"]?.scalar { properties["email"] = .string(email) }
            }
            for (field, relation, defaultKind) in relationFields {
                for node in spec.list(field) {
                    switch BackstageRef.resolve(node, defaultKind: defaultKind, namespace: namespace) {
                    case .success(let target):
                        if relations[relation]?.contains(target) != true {
                            relations[relation, default: []].append(target)
                        }
                    case .failure(let failure):
                        throw spec.error(at: node, "spec.\(field): \(failure.reason)")
                    }
                }
            }
        }
        return Entity(ref: ref, title: title, properties: properties, relations: relations)
    }
}
