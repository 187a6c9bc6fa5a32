internal import Foundation
internal import MusterModel
internal import MusterYAML

/// Loads and validates scenario files (format version 1, `spec/scenario-v1.md`).
///
/// Every error is a `ScenarioError` that names the file, the line and column, and the field path.
public enum ScenarioLoader {
    /// Reads and loads the scenario at `path`; errors name the file as `path`.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScenarioError(file: path, line: 0, column: 0, field: "", message: "cannot read the file (\(error))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ScenarioError(file: path, line: 0, column: 0, field: "", message: "the file is not UTF-8 text")
        }
        return try load(text: text, file: path)
    }

    /// Loads a scenario from its YAML text; `file` is used in errors and kept in `Scenario.file`.
    public static func load(text: String, file: String) throws(ScenarioError) -> Scenario {
        do {
            var reader = ScenarioReader(file: file)
            return try reader.scenario(from: text)
        } catch let error as ScenarioError {
            throw error
        } catch let error as YAMLError {
            throw ScenarioError(error)
        } catch {
            throw ScenarioError(file: file, line: 0, column: 0, field: "", message: "\(error)")
        }
    }
}

/// One load of one file: the file name for errors, the start instant for offsets, the entity refs seen so far.
struct ScenarioReader {
    static let topLevelKeys: Set<String> = [
        "version", "name", "description", "start", "catalog", "oncall", "metrics", "timeline", "expect",
    ]

    let file: String
    var start = Date(timeIntervalSince1970: 0)

    init(file: String) {
        self.file = file
    }

    mutating func scenario(from text: String) throws -> Scenario {
        guard let root = try YAML.parse(text, file: file) else {
            throw ScenarioError(file: file, line: 1, column: 1, field: "", message: "the scenario is empty")
        }
        let top = try fields(root, "")
        try top.rejectUnknownKeys(allowed: Self.topLevelKeys)
        try checkVersion(top)
        let name = try top.string("name")
        guard !name.isEmpty, name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" })
        else { throw error(try top.required("name"), "name", "'\(name)' is not a valid name (expected [a-z0-9-]+)") }
        let description = try top.optionalString("description")
        start = try timestamp(top.required("start"), "start")

        let catalog = try self.catalog(top.required("catalog"))
        let known = Set(catalog.map(\.ref))
        let oncall = try top.optional("oncall").map { try self.oncall($0, known: known) } ?? []
        let metrics = try top.optional("metrics").map { try self.metrics($0) }
        let timeline = try self.timeline(top.required("timeline"), known: known)
        let everything = known.union(timeline.compactMap { if case .entity(let e) = $0.payload { e.ref } else { nil } })
        let expect = try top.optional("expect").map { try self.expectation($0, timeline: timeline, known: everything) }
        return Scenario(
            name: name, description: description, file: file, start: start, catalog: catalog, oncall: oncall,
            metrics: metrics, timeline: timeline, expect: expect)
    }

    private func checkVersion(_ top: YAMLFields) throws {
        let node = try top.required("version")
        guard case .scalar(let text, isPlain: true) = node.content, let version = Int(text) else {
            throw error(node, "version", "'\(node.scalar ?? "?")' is not an integer")
        }
        guard version == 1 else {
            throw error(node, "version", "unsupported version \(version) (this engine reads version 1)")
        }
    }

    // MARK: - Helpers shared by the section readers

    func fields(_ node: YAMLNode, _ path: String) throws -> YAMLFields {
        try YAMLFields(node, file: file, path: path)
    }

    func error(_ node: YAMLNode, _ field: String, _ message: String) -> ScenarioError {
        ScenarioError(file: file, mark: node.mark, field: field, message: message)
    }

    /// The items of a required or optional list field; a non-list is an error.
    func list(_ node: YAMLNode, _ path: String) throws -> [YAMLNode] {
        guard let items = node.sequence else { throw error(node, path, "expected a list") }
        return items
    }

    /// An RFC 3339 timestamp (`T` or space, `Z` or offset).
    func timestamp(_ node: YAMLNode, _ path: String) throws -> Date {
        guard let text = node.scalar, let date = Timestamp.parse(text) else {
            throw error(node, path, "'\(node.scalar ?? "?")' is not an RFC 3339 timestamp (like 2026-11-20T17:00:00Z)")
        }
        return date
    }

    /// An offset relative to `start`: the absolute instant and the seconds.
    func offset(_ fields: YAMLFields, _ key: String) throws -> (date: Date, seconds: TimeInterval) {
        let seconds = try fields.duration(key)
        return (start.addingTimeInterval(seconds), seconds)
    }

    /// A scalar from a closed vocabulary.
    func word(_ fields: YAMLFields, _ key: String, in words: [String], what: String) throws -> String {
        let text = try fields.string(key)
        guard words.contains(text) else {
            throw error(
                try fields.required(key), fields.path(of: key),
                "'\(text)' is not \(what) (expected one of: \(words.joined(separator: ", ")))")
        }
        return text
    }
}

/// A reference written in the file, kept with its position until the set of entities it may name is known.
struct RefUse {
    var ref: EntityRef
    var node: YAMLNode
    var field: String
    /// Says who refers, for the message: `service:x relation dependsOn`, `deploy.service`.
    var context: String
}

extension ScenarioReader {
    /// Throws when `use` names an entity outside `known`.
    func check(_ use: RefUse, known: Set<EntityRef>, scope: String) throws {
        guard known.contains(use.ref) else {
            throw error(use.node, use.field, "\(use.context) refers to \(use.ref), which is not in \(scope)")
        }
    }

    /// A reference field that must name an entity in `known`.
    func knownRef(_ fields: YAMLFields, _ key: String, known: Set<EntityRef>) throws -> EntityRef {
        let ref = try fields.ref(key)
        try check(
            RefUse(ref: ref, node: try fields.required(key), field: fields.path(of: key), context: key), known: known,
            scope: "the catalog")
        return ref
    }
}
