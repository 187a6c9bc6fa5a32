import Foundation
import MusterLake
import MusterModel
import Testing

struct ContextLakeTests {
    typealias F = Fixtures

    @Test func writtenRelationsAndImpliedInverses() throws {
        let lake = try F.lake()
        #expect(lake.related(F.ref("service:api"), by: "ownedBy") == [F.ref("team:backend")])
        #expect(lake.related(F.ref("team:backend"), by: "owns") == [F.ref("service:api"), F.ref("service:worker")])
        #expect(lake.members(of: F.ref("team:backend")) == [F.ref("user:ann"), F.ref("user:bob")])
        #expect(
            lake.related(F.ref("resource:db"), by: "dependencyOf") == [F.ref("service:api"), F.ref("service:worker")])
        #expect(lake.related(F.ref("customer:acme"), by: "hasOrg") == [F.ref("org:acme-dev"), F.ref("org:acme-prod")])
        #expect(lake.owners(of: F.ref("resource:db")) == [F.ref("team:platform")])
    }

    @Test func batchesImportInAnyOrder() throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(F.catalog.reversed(), at: F.start)
        #expect(lake.entityCount == F.catalog.count)
    }

    @Test func danglingRelationIsRejectedWithAClearMessage() throws {
        let lake = try F.lake()
        let bad = F.entity("service:billing", ["dependsOn": ["resource:ledger"]])
        let error = try #require(throws: LakeError.self) { try lake.upsert([bad], at: F.at(1)) }
        #expect(error.code == .danglingReference)
        #expect(
            error.description
                == "service:billing: relation dependsOn -> resource:ledger: resource:ledger does not exist in the lake")
        #expect(lake.entity(F.ref("service:billing")) == nil)
    }

    @Test func asOfAnswersWithTheOwnerOfThatInstant() throws {
        let lake = try F.lake()
        try lake.upsert(
            [F.entity("service:api", ["dependsOn": ["resource:db"], "ownedBy": ["team:platform"]])], at: F.at(10))
        let api = F.ref("service:api")
        #expect(lake.owners(of: api, asOf: F.at(8)) == [F.ref("team:backend")])
        #expect(lake.owners(of: api, asOf: F.at(10)) == [F.ref("team:platform")])
        #expect(lake.owners(of: api) == [F.ref("team:platform")])
        #expect(lake.related(F.ref("team:backend"), by: "owns", asOf: F.at(8)) == [api, F.ref("service:worker")])
        #expect(lake.related(F.ref("team:backend"), by: "owns") == [F.ref("service:worker")])
        #expect(lake.entity(api, asOf: F.at(-1)) == nil)
        #expect(lake.history(of: api).map(\.at) == [F.start, F.at(10)])
    }

    @Test func asOfDependentsSeeTheGraphOfThatInstant() throws {
        let lake = try F.lake()
        try lake.upsert(
            [F.entity("service:web", ["dependsOn": ["resource:db"], "ownedBy": ["team:frontend"]])], at: F.at(10))
        let then = lake.dependents(of: F.ref("service:api"), depth: nil, asOf: F.at(5)).map(\.ref)
        #expect(then == [F.ref("service:web")])
        #expect(lake.dependents(of: F.ref("service:api")).isEmpty)
    }

    @Test func onCallRespectsHandOver() throws {
        let lake = try F.lake()
        let team = F.ref("team:backend")
        try lake.addShift(OnCallShift(team: team, user: F.ref("user:ann"), from: F.at(-600), to: F.at(60)))
        try lake.addShift(OnCallShift(team: team, user: F.ref("user:bob"), from: F.at(60), to: F.at(600)))
        #expect(lake.onCall(team: team, at: F.at(59)) == [F.ref("user:ann")])
        #expect(lake.onCall(team: team, at: F.at(60)) == [F.ref("user:bob")])
        #expect(lake.onCall(team: team, at: F.at(600)).isEmpty)
        #expect(lake.onCall(team: F.ref("team:frontend"), at: F.at(0)).isEmpty)
    }

    @Test func transitiveDependentsWithDepthAndPath() throws {
        let lake = try F.lake()
        let db = F.ref("resource:db")
        let all = lake.dependents(of: db)
        #expect(all.map(\.ref) == [F.ref("service:api"), F.ref("service:worker"), F.ref("service:web")])
        let web = try #require(all.last)
        #expect(web.distance == 2)
        #expect(web.path == [db, F.ref("service:api"), F.ref("service:web")])
        #expect(lake.dependents(of: db, depth: 1).count == 2)
        let upstream = lake.dependencies(of: F.ref("service:web"))
        #expect(upstream.map(\.ref) == [F.ref("service:api"), db])
    }

    @Test func dependentsTerminateOnCycles() throws {
        let lake = ContextLake.inMemory()
        try lake.upsert(
            [F.entity("service:a", ["dependsOn": ["service:b"]]), F.entity("service:b", ["dependsOn": ["service:a"]])],
            at: F.start)
        #expect(lake.dependents(of: F.ref("service:a")).map(\.ref) == [F.ref("service:b")])
    }

    @Test func blastRadiusNamesTeamsAndOnCall() throws {
        let lake = try F.lake()
        try lake.addShift(
            OnCallShift(team: F.ref("team:backend"), user: F.ref("user:bob"), from: F.at(0), to: F.at(60)))
        try lake.addShift(
            OnCallShift(team: F.ref("team:platform"), user: F.ref("user:cy"), from: F.at(0), to: F.at(60)))
        let radius = lake.blastRadius(of: F.ref("resource:db"), at: F.at(30))
        #expect(radius.dependents.count == 3)
        #expect(radius.teams == [F.ref("team:backend"), F.ref("team:frontend"), F.ref("team:platform")])
        #expect(radius.onCall[F.ref("team:backend")] == [F.ref("user:bob")])
        #expect(radius.onCall[F.ref("team:frontend")] == nil)
        #expect(radius.onCallUsers == [F.ref("user:bob"), F.ref("user:cy")])
    }

    @Test func customersOfOrgs() throws {
        let lake = try F.lake()
        let orgs = [F.ref("org:acme-prod"), F.ref("org:acme-dev"), F.ref("org:globex-1"), F.ref("org:unknown")]
        #expect(lake.customers(ofOrgs: orgs) == [F.ref("customer:acme"), F.ref("customer:globex")])
    }

    @Test func deploysInAWindowOnAnEntityAndItsUpstreams() throws {
        let lake = try F.lake()
        try lake.record(Deployment(target: F.ref("resource:db"), at: F.at(-30), version: "15.2", by: F.ref("user:cy")))
        try lake.record(Deployment(target: F.ref("service:api"), at: F.at(-200), version: "1.0"))
        try lake.record(Deployment(target: F.ref("service:worker"), at: F.at(-10), version: "2.0"))
        try lake.record(Change(target: F.ref("service:api"), at: F.at(-20), summary: "pool 50 -> 5"))
        let web = F.ref("service:web")
        let scope = Set([web] + lake.dependencies(of: web).map(\.ref))
        let deploys = lake.deployments(on: scope, from: F.at(-120), to: F.at(0))
        #expect(deploys.map(\.version) == ["15.2"])
        #expect(lake.changes(on: scope, from: F.at(-120), to: F.at(0)).map(\.summary) == ["pool 50 -> 5"])
        let deployment = F.ref("deployment:db@15.2")
        #expect(lake.entity(deployment)?.properties["by"] == "user:cy")
        #expect(lake.related(F.ref("resource:db"), by: "deployedBy") == [deployment])
        #expect(lake.entities(ofKind: "change").count == 1)
    }

    @Test func historyOnAMissingTargetIsRejected() throws {
        let lake = try F.lake()
        #expect(throws: LakeError.self) { try lake.record(Deployment(target: F.ref("service:ghost"), at: F.start)) }
        #expect(throws: LakeError.self) {
            try lake.record(ActionRecord(name: "restart", target: F.ref("service:ghost"), at: F.start))
        }
        try lake.record(ActionRecord(name: "restart", target: F.ref("service:api"), at: F.at(5), result: "succeeded"))
        #expect(lake.actions(on: [F.ref("service:api")], from: F.start, to: F.at(10)).map(\.name) == ["restart"])
    }
}
