import Foundation
import MusterLake
import MusterModel

extension Runner {
    /// Runs a `lake` subcommand against the SQLite file named by `--db`; exit 1 on import errors or unknown refs.
    func lake(_ command: Command) throws -> Int32 {
        switch command {
        case .lakeImport(let paths, let db, let json):
            return try lakeImport(paths: paths, lake: ContextLake.open(path: db), json: json)
        case .lakeShow(let text, let db, let json):
            let lake = try ContextLake.open(path: db)
            guard let ref = existing(text, in: lake) else { return 1 }
            return try show(ref, lake: lake, json: json)
        case .lakeDependents(let text, let depth, let db, let json):
            let lake = try ContextLake.open(path: db)
            guard let ref = existing(text, in: lake) else { return 1 }
            let hits = lake.dependents(of: ref, depth: depth)
            if json { return try emit(hits) }
            output(hits.isEmpty ? "nothing depends on \(ref)" : "\(hits.count) dependents of \(ref):")
            for hit in hits { output("  \(hit.distance)  \(hit.ref)  (\(Self.pathText(hit.path)))") }
            return 0
        case .lakeBlastRadius(let text, let db, let json):
            let lake = try ContextLake.open(path: db)
            guard let ref = existing(text, in: lake) else { return 1 }
            let radius = lake.blastRadius(of: ref, at: Date())
            if json { return try emit(radius) }
            output("blast radius of \(ref): \(radius.dependents.count) dependents, \(radius.teams.count) teams")
            for hit in radius.dependents { output("  \(hit.distance)  \(hit.ref)  (\(Self.pathText(hit.path)))") }
            output(
                "teams: " + (radius.teams.isEmpty ? "none" : radius.teams.map(\.description).joined(separator: ", ")))
            output(
                "on call now: "
                    + Self.onCallText(
                        Dictionary(uniqueKeysWithValues: radius.onCall.map { ($0.key.description, $0.value) })))
            return 0
        case .lakeOnCall(let team, let at, let db, let json):
            return try onCall(team: team, at: at, lake: ContextLake.open(path: db), json: json)
        default:
            errors("muster: not a lake command")
            return 64
        }
    }

    // MARK: - Subcommands

    private func lakeImport(paths: [String], lake: ContextLake, json: Bool) throws -> Int32 {
        let files = LakeImportFiles(paths)
        let now = Date()
        var report = ImportReport(errors: files.errors)
        if !files.backstage.isEmpty {
            report.merge(try LakeImporter.importBackstage(files.backstage, into: lake, at: now))
        }
        if !files.muster.isEmpty {
            report.merge(try LakeImporter.importEntityFiles(files.muster, into: lake, at: now))
        }
        let errorLines = report.errors.map { "\($0.file):\($0.line): \($0.reason)" }
        if json {
            _ = try emit(
                LakeImportView(
                    files: files.backstage.count + files.muster.count, imported: report.imported,
                    skipped: report.skipped, stubs: report.stubs, errors: errorLines))
        } else {
            var summary =
                "imported \(report.imported) entities from \(files.backstage.count + files.muster.count) files"
            var notes: [String] = []
            if report.skipped > 0 { notes.append("\(report.skipped) skipped (Location or unmodelled kinds)") }
            if !report.stubs.isEmpty { notes.append("\(report.stubs.count) stubs for outside references") }
            if !report.errors.isEmpty { notes.append("\(report.errors.count) errors") }
            if !notes.isEmpty { summary += " (" + notes.joined(separator: ", ") + ")" }
            output(summary)
            for line in errorLines { errors(line) }
        }
        return report.errors.isEmpty ? 0 : 1
    }

    private func show(_ ref: EntityRef, lake: ContextLake, json: Bool) throws -> Int32 {
        guard let entity = lake.entity(ref) else { return 1 }
        var relations: [LakeEntityView.RelationView] = []
        for name in lake.relationNames {
            let targets = lake.related(ref, by: name)
            guard !targets.isEmpty else { continue }
            relations.append(.init(name: name, targets: targets, isImplied: entity.relations[name] == nil))
        }
        let owners = lake.owners(of: ref)
        let now = Date()
        var onCall: [String: [EntityRef]] = [:]
        for team in Set(owners + (ref.kind == "team" ? [ref] : [])) {
            let users = lake.onCall(team: team, at: now)
            if !users.isEmpty { onCall[team.description] = users }
        }
        let view = LakeEntityView(
            ref: ref, title: entity.title, properties: entity.properties, relations: relations, owners: owners,
            onCall: onCall)
        if json { return try emit(view) }
        output("\(ref)  \(entity.title ?? "(no title)")")
        if !entity.properties.isEmpty {
            output("properties:")
            for (key, value) in entity.properties.sorted(by: { $0.key < $1.key }) {
                output("  \(key): \(Self.text(of: value))")
            }
        }
        if !relations.isEmpty {
            output("relations:")
            for relation in relations {
                let targets = relation.targets.map(\.description).joined(separator: ", ")
                output("  \(relation.name)\(relation.isImplied ? " (implied)" : ""): \(targets)")
            }
        }
        output("owners: " + (owners.isEmpty ? "none" : owners.map(\.description).joined(separator: ", ")))
        output("on call now: " + Self.onCallText(onCall))
        return 0
    }

    private func onCall(team text: String, at: String?, lake: ContextLake, json: Bool) throws -> Int32 {
        var instant = Date()
        if let at {
            guard let parsed = Timestamp.parse(at) else {
                errors("muster: --at '\(at)' is not an RFC 3339 time (like 2026-11-20T17:08:00Z)")
                return 1
            }
            instant = parsed
        }
        guard let team = existing(text.contains(":") ? text : "team:\(text)", in: lake) else { return 1 }
        let users = lake.onCall(team: team, at: instant)
        if json { return try emit(LakeOnCallView(team: team, at: instant, users: users)) }
        let when = Timestamp.format(instant)
        output(
            users.isEmpty
                ? "nobody is on call for \(team) at \(when)"
                : "on call for \(team) at \(when): " + users.map(\.description).joined(separator: ", "))
        return 0
    }

    // MARK: - Helpers

    /// The ref named by `text` when the lake holds it; otherwise says why on `errors` and returns nil.
    private func existing(_ text: String, in lake: ContextLake) -> EntityRef? {
        guard let ref = EntityRef(text) else {
            errors("muster: '\(text)' is not a reference of the form kind:id (like service:checkout)")
            return nil
        }
        guard lake.entity(ref) != nil else {
            errors("muster: \(ref) is not in the lake")
            return nil
        }
        return ref
    }

    private func emit(_ value: some Encodable) throws -> Int32 {
        output(String(decoding: try WireFormat.encoder(pretty: true).encode(value), as: UTF8.self))
        return 0
    }

    /// `a <- b <- c`: the origin first, each dependent after the one it depends on.
    static func pathText(_ path: [EntityRef]) -> String { path.map(\.description).joined(separator: " <- ") }

    static func onCallText(_ onCall: [String: [EntityRef]]) -> String {
        guard !onCall.isEmpty else { return "nobody" }
        return onCall.sorted { $0.key < $1.key }
            .map { "\($0.key): \($0.value.map(\.description).joined(separator: ", "))" }
            .joined(separator: "; ")
    }

    static func text(of value: JSONValue) -> String {
        if let text = value.stringValue { return text }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }
}

/// Files to import, split by format: Backstage descriptors (`apiVersion: backstage.io/...`) and Muster entity files.
struct LakeImportFiles {
    static let extensions: Set<String> = ["yaml", "yml", "json"]
    var backstage: [String] = []
    var muster: [String] = []
    var errors: [ImportError] = []

    init(_ paths: [String]) {
        let manager = FileManager.default
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                errors.append(ImportError(file: path, line: 0, reason: "no such file or directory"))
                continue
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let children = (try? manager.subpathsOfDirectory(atPath: path)) ?? []
            for child in children.sorted()
            where Self.extensions.contains((child as NSString).pathExtension.lowercased()) {
                files.append((path as NSString).appendingPathComponent(child))
            }
        }
        for file in files {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                errors.append(ImportError(file: file, line: 0, reason: "cannot read the file as UTF-8 text"))
                continue
            }
            if Self.isBackstage(text) { backstage.append(file) } else { muster.append(file) }
        }
    }

    /// Whether a document declares `apiVersion: backstage.io/...` (YAML or JSON spelling).
    static func isBackstage(_ text: String) -> Bool {
        for line in text.split(whereSeparator: \.isNewline) {
            let words = line.split(whereSeparator: { " \t\"',{:".contains($0) })
            guard let index = words.firstIndex(of: "apiVersion"), index + 1 < words.count else { continue }
            if words[index + 1].hasPrefix("backstage.io/") { return true }
        }
        return false
    }
}

// MARK: - JSON views

/// `lake import --json`.
struct LakeImportView: Encodable {
    var files: Int
    var imported: Int
    var skipped: Int
    var stubs: [EntityRef]
    /// `file:line: reason`.
    var errors: [String]
}

/// `lake show --json`.
struct LakeEntityView: Encodable {
    struct RelationView: Encodable {
        var name: String
        var targets: [EntityRef]
        /// True when the relation is the implied inverse of one written on the targets.
        var isImplied: Bool
    }

    var ref: EntityRef
    var title: String?
    var properties: [String: JSONValue]
    var relations: [RelationView]
    var owners: [EntityRef]
    /// On-call users now, per owning team.
    var onCall: [String: [EntityRef]]
}

/// `lake oncall --json`.
struct LakeOnCallView: Encodable {
    var team: EntityRef
    var at: Date
    var users: [EntityRef]
}
