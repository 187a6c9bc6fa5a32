import MusterModel
import Testing

@testable import MusterYAML

struct YAMLTests {
    @Test func parsesNestedDocumentsWithMarks() throws {
        let text = """
            name: demo
            items:
              - {kind: service, id: api, replicas: 3}
              - "quoted: 1"
            """
        let node = try #require(try YAML.parse(text, file: "t.yaml"))
        #expect(node["name"]?.scalar == "demo")
        let items = try #require(node["items"]?.sequence)
        #expect(items.count == 2)
        #expect(items[0].mark.line == 3)
        #expect(items[0]["replicas"]?.json() == .number(3))
        #expect(items[1].json() == .string("quoted: 1"))
    }

    @Test func typesPlainScalarsOnly() throws {
        let node = try #require(try YAML.parse("a: true\nb: 'true'\nc: ~\nd: 1.5\ne: 0s\n", file: "t"))
        #expect(node["a"]?.json() == .bool(true))
        #expect(node["b"]?.json() == .string("true"))
        #expect(node["c"]?.json() == .null)
        #expect(node["d"]?.json() == .number(1.5))
        #expect(node["e"]?.json() == .string("0s"))
    }

    @Test func readsMultipleDocuments() throws {
        let documents = try YAML.parseDocuments("a: 1\n---\nb: 2\n---\n", file: "t")
        #expect(documents.count == 2)
        #expect(documents[1].mark.line == 3)
    }

    @Test func reportsSyntaxErrorsWithFileAndLine() {
        #expect {
            _ = try YAML.parse("a: 1\nb: [1, 2\nc: 3\n", file: "broken.yaml")
        } throws: { error in
            "\(error)".hasPrefix("broken.yaml:") && "\(error)".contains("flow sequence")
        }
    }

    @Test func rejectsDuplicateKeys() {
        #expect(throws: YAMLError.self) { _ = try YAML.parse("a: 1\na: 2\n", file: "t") }
    }

    @Test func fieldsRejectUnknownKeysNamingThePath() throws {
        let node = try #require(try YAML.parse("version: 1\nnmae: x\n", file: "s.yaml"))
        let fields = try YAMLFields(node, file: "s.yaml", path: "")
        #expect {
            try fields.rejectUnknownKeys(allowed: ["version", "name"])
        } throws: { error in
            "\(error)".hasPrefix("s.yaml:2:1: nmae: unknown key")
        }
    }

    @Test func fieldsParseDurationsAndRefs() throws {
        let node = try #require(try YAML.parse("at: 1h30m\nbad: 5x\nref: team:a\n", file: "s"))
        let fields = try YAMLFields(node, file: "s", path: "timeline[0]")
        #expect(try fields.duration("at") == 5400)
        #expect(try fields.ref("ref") == EntityRef(kind: "team", id: "a"))
        #expect {
            _ = try fields.duration("bad")
        } throws: { error in
            "\(error)" == "s:2:6: timeline[0].bad: '5x' is not a duration (like 90m, 1h30m, -2h, 45s)"
        }
    }
}
