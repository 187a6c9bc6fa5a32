import Foundation
import MusterLake
import MusterModel
import Testing

struct AlertMappingTests {
    typealias F = Fixtures

    static func alert(
        source: AlertSource = .alertmanager, labels: [String: String] = [:], hints: [String: String] = [:]
    ) -> Alert {
        Alert(
            source: source, sourceID: "x", dedupKey: "x", status: .firing, title: "t", severity: .critical,
            labels: labels, startedAt: F.start, receivedAt: F.start, hints: hints)
    }

    static func lake() throws -> ContextLake {
        let lake = try F.lake()
        try lake.upsert(
            [
                F.entity("service:consumer", properties: ["alert_labels": .object(["team": "x"])]),
                F.entity("service:consumer-eu", properties: ["alert_labels": .object(["team": "x", "region": "eu"])]),
                F.entity("service:payments", properties: ["pagerduty_service_id": "PSVC1"]),
                F.entity("resource:kafka-runs"),
            ], at: F.start)
        return lake
    }

    @Test func alertLabelsMostSpecificWins() throws {
        let lake = try Self.lake()
        #expect(
            lake.entity(forAlert: Self.alert(labels: ["team": "x", "region": "eu", "pod": "p"]))
                == F.ref("service:consumer-eu"))
        #expect(lake.entity(forAlert: Self.alert(labels: ["team": "x", "region": "us"])) == F.ref("service:consumer"))
    }

    @Test func entityWithAlertLabelsIsNotMatchedByItsID() throws {
        let lake = try Self.lake()
        #expect(lake.entity(forAlert: Self.alert(labels: ["service": "consumer"])) == nil)
    }

    @Test(arguments: ["service", "app", "job", "component", "consumergroup"])
    func defaultLabelsMatchServiceAndResourceIDs(label: String) throws {
        let lake = try Self.lake()
        #expect(lake.entity(forAlert: Self.alert(labels: [label: "worker"])) == F.ref("service:worker"))
        #expect(lake.entity(forAlert: Self.alert(labels: [label: "kafka-runs"])) == F.ref("resource:kafka-runs"))
    }

    /// A kube-state-metrics alert names its exporter in `job` and `service` and the workload in `deployment`,
    /// `statefulset`, `daemonset` or `container`: the workload is found when the exporter is not an entity.
    @Test(arguments: ["deployment", "statefulset", "daemonset", "container"])
    func kubernetesWorkloadLabelsMatchAfterTheSpecLabels(label: String) throws {
        let lake = try Self.lake()
        let kube = ["job": "kube-state-metrics", "service": "kube-state-metrics", label: "worker"]
        #expect(lake.entity(forAlert: Self.alert(labels: kube)) == F.ref("service:worker"))
        #expect(
            lake.entity(forAlert: Self.alert(labels: ["app": "kafka-runs", label: "worker"]))
                == F.ref("resource:kafka-runs"))
    }

    @Test func defaultLabelsIgnoreOtherKinds() throws {
        let lake = try Self.lake()
        #expect(lake.entity(forAlert: Self.alert(labels: ["service": "backend"])) == nil)
        #expect(lake.entity(forAlert: Self.alert(labels: ["instance": "worker"])) == nil)
    }

    @Test func pagerDutyByServiceIDThenByName() throws {
        let lake = try Self.lake()
        let byID = Self.alert(source: .pagerduty, hints: [AlertHint.pagerDutyServiceID: "PSVC1"])
        #expect(lake.entity(forAlert: byID) == F.ref("service:payments"))
        let byName = Self.alert(
            source: .pagerduty, hints: [AlertHint.pagerDutyServiceID: "PNOPE", AlertHint.pagerDutyServiceName: "api"])
        #expect(lake.entity(forAlert: byName) == F.ref("service:api"))
        #expect(
            lake.entity(forAlert: Self.alert(source: .pagerduty, hints: [AlertHint.pagerDutyServiceID: "PNOPE"])) == nil
        )
    }

    @Test func genericByServiceHint() throws {
        let lake = try Self.lake()
        #expect(
            lake.entity(forAlert: Self.alert(source: .generic, hints: [AlertHint.service: "db"]))
                == F.ref("resource:db"))
        #expect(lake.entity(forAlert: Self.alert(source: .generic, hints: [AlertHint.service: "acme"])) == nil)
    }

    @Test func mappingFollowsReplacedEntitiesAndAsOf() throws {
        let lake = try Self.lake()
        try lake.upsert([F.entity("service:payments", properties: ["pagerduty_service_id": "PSVC2"])], at: F.at(10))
        let old = Self.alert(source: .pagerduty, hints: [AlertHint.pagerDutyServiceID: "PSVC1"])
        #expect(lake.entity(forAlert: old) == nil)
        #expect(lake.entity(forAlert: old, asOf: F.at(5)) == F.ref("service:payments"))
    }
}
