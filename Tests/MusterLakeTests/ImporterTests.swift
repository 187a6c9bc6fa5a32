import Foundation
import MusterLake
import MusterModel
import Testing

struct ImporterTests {
    typealias F = Fixtures

    /// `/work/shared/data/backstage-examples`, found from this file: repo root, then `../shared/data`.
    static let backstageExamples: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/data/backstage-examples").path
    }()

    @Test func backstageExamplesImportAndTheInvalidOneIsRejected() throws {
        let lake = ContextLake.inMemory()
        let report = try LakeImporter.importBackstage([Self.backstageExamples], into: lake, at: F.start)
        #expect(report.imported == 55)
        #expect(report.skipped == 1)
        #expect(report.stubs.isEmpty)
        let error = try #require(report.errors.first)
        #expect(report.errors.count == 1)
        #expect(error.file.hasSuffix("invalid/invalid-component.yaml"))
        #expect(error.line == 4)
        #expect(error.reason.contains("metadata.name: 'invalid component' is not a valid Backstage name"))

        #expect(lake.entities(ofKind: "service").count == 13)
        #expect(lake.entities(ofKind: "api").count == 10)
        #expect(lake.entities(ofKind: "team").count == 8)
        #expect(lake.entities(ofKind: "user").count == 17)
        let lookup = F.ref("service:artist-lookup")
        #expect(lake.owners(of: lookup) == [F.ref("team:team-a")])
        #expect(lake.related(lookup, by: "partOf") == [F.ref("system:artist-engagement-portal")])
        #expect(lake.dependents(of: F.ref("resource:artists-db")).map(\.ref) == [lookup])
        #expect(lake.blastRadius(of: F.ref("resource:artists-db"), at: F.start).teams == [F.ref("team:team-a")])
        #expect(lake.owners(of: F.ref("service:searcher")) == [F.ref("user:guest")])
        #expect(lake.members(of: F.ref("team:team-a")).contains(F.ref("user:development/guest")))
        #expect(lake.related(F.ref("team:team-a"), by: "hasParent") == [F.ref("team:backstage")])
        #expect(lake.related(F.ref("team:backstage"), by: "parentOf") == [F.ref("team:team-a"), F.ref("team:team-b")])
        #expect(lake.related(F.ref("api:wayback-archive"), by: "apiConsumedBy") == [F.ref("service:wayback-search")])
        #expect(
            lake.related(F.ref("service:wayback-archive-storage"), by: "partOf") == [F.ref("service:wayback-archive")])
        #expect(lake.related(F.ref("domain:artists"), by: "partOf") == [F.ref("domain:audio")])
        let petstore = try #require(lake.entity(F.ref("service:petstore")))
        #expect(petstore.properties["lifecycle"] == "experimental" || petstore.properties["lifecycle"] != nil)
        #expect(lake.entity(F.ref("user:janelle.dawe"))?.title == "Janelle Dawe")
        #expect(lake.entity(F.ref("api:starwars-graphql")) != nil)
    }

    @Test func backstageDocumentsMapFieldsAnnotationsAndStubs() throws {
        let text = """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: checkout-api
              title: Checkout API
              tags: [java, payments]
              annotations:
                pagerduty.com/service-id: PSVC123
            spec:
              type: service
              lifecycle: production
              owner: group:payments
              system: payments-platform
              dependsOn: [resource:checkout-db, component:ops/fraud]
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Resource
            metadata: {name: checkout-db}
            spec: {type: database, owner: payments}
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: {name: broken}
            spec: {owner: payments, dependsOn: [checkout-db]}
            """
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID()).yaml").path
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lake = ContextLake.inMemory()
        let report = try LakeImporter.importBackstage([file], into: lake, at: F.start)
        #expect(report.imported == 2)
        #expect(report.errors.map(\.line) == [24])
        #expect(
            report.errors.first?.reason
                == "spec.dependsOn: 'checkout-db' must name its kind (like component:checkout-db)")
        #expect(
            report.stubs == [F.ref("service:ops/fraud"), F.ref("system:payments-platform"), F.ref("team:payments")])
        let api = try #require(lake.entity(F.ref("service:checkout-api")))
        #expect(api.title == "Checkout API")
        #expect(api.properties["pagerduty_service_id"] == "PSVC123")
        #expect(api.properties["type"] == "service")
        #expect(api.properties["tags"] == .array(["java", "payments"]))
        #expect(
            Set(lake.dependencies(of: api.ref).map(\.ref)) == [
                F.ref("resource:checkout-db"), F.ref("service:ops/fraud"),
            ])
        let alert = Alert(
            source: .pagerduty, sourceID: "Q1", dedupKey: "Q1", status: .firing, title: "t", severity: .critical,
            startedAt: F.start, receivedAt: F.start, hints: [AlertHint.pagerDutyServiceID: "PSVC123"])
        #expect(lake.entity(forAlert: alert) == api.ref)
    }

    @Test func entityFilesImportJSONAndYAML() throws {
        let yaml = """
            - kind: service
              id: actions-worker
              title: Actions worker
              properties: {replicas: 3, actions: [restart, scale-out]}
              relations:
                ownedBy: team:actions
                dependsOn: [resource:kafka]
            - {kind: team, id: actions}
            - {kind: resource, id: kafka, relations: {ownedBy: team:ghost}}
            - {kind: service, id: x, colour: red}
            """
        let json = #"[{"kind": "user", "id": "dan", "relations": {"memberOf": "team:actions"}}]"#
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("entities-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("a.yaml"), atomically: true, encoding: .utf8)
        try json.write(to: directory.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        let lake = ContextLake.inMemory()
        let report = try LakeImporter.importEntityFiles([directory.path], into: lake, at: F.start)
        #expect(report.imported == 2)
        #expect(report.errors.map(\.line) == [10, 9, 1])
        #expect(report.errors[0].reason.hasPrefix("[3].colour: unknown key"))
        #expect(report.errors[1].reason == "resource:kafka: relation ownedBy -> team:ghost: team:ghost does not exist")
        #expect(report.errors[2].reason.contains("service:actions-worker: relation dependsOn -> resource:kafka"))
        #expect(lake.members(of: F.ref("team:actions")) == [F.ref("user:dan")])
    }

    static let badItems: [(text: String, message: String)] = [
        ("{id: x}", "kind: required field is missing"),
        ("{kind: Service, id: x}", "kind: 'Service' is not a valid kind"),
        ("{kind: service}", "id: required field is missing"),
        (
            "{kind: service, id: x, relations: {dependsOn: [db]}}",
            "relations.dependsOn: 'db' is not a reference kind:id"
        ),
    ]

    @Test(arguments: badItems)
    func entityItemErrorsNameTheField(text: String, message: String) {
        let result = LakeImporter.entities(fromText: "- " + text, file: "catalog.yaml")
        #expect(result.entities.isEmpty)
        #expect(result.errors.first?.file == "catalog.yaml")
        #expect(result.errors.first?.line == 1)
        #expect(result.errors.first?.reason.contains(message) == true)
    }
}
