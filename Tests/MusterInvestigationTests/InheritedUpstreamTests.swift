import Foundation
import MusterModel
import Testing

@testable import MusterInvestigation

/// Alerting callers of an alerting entity sit below its upstreams too, however long the chain.
struct InheritedUpstreamTests {
    func ref(_ text: String) -> EntityRef { EntityRef(text)! }

    @Test func aChainOfAlertingServicesInheritsTheHostFourHopsUp() {
        let (web, bff, api, db, host) = (
            ref("service:web"), ref("service:bff"), ref("service:api"), ref("resource:db"), ref("resource:host")
        )
        // What a depth of 3 sees from each alerting entity: web reaches db, not host.
        var upstreams: [EntityRef: (distance: Int, below: Set<EntityRef>)] = [
            bff: (1, [web]), api: (1, [bff, web]), db: (1, [api, bff, web]), host: (2, [api, bff]),
        ]
        InvestigationContext.inheritUpstreams(&upstreams, alerting: [api, bff, web])
        #expect(upstreams[host]?.below == [api, bff, web])
        #expect(upstreams[host]?.distance == 2)
    }

    @Test func aDependencyCycleEnds() {
        let (a, b) = (ref("service:a"), ref("service:b"))
        var upstreams: [EntityRef: (distance: Int, below: Set<EntityRef>)] = [a: (1, [b]), b: (1, [a])]
        InvestigationContext.inheritUpstreams(&upstreams, alerting: [a, b])
        #expect(upstreams[a]?.below == [b])
        #expect(upstreams[b]?.below == [a])
    }
}
