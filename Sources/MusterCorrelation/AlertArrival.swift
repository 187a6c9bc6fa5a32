public import Foundation
public import MusterLake
public import MusterModel

/// One normalized alert as it reaches the correlator, with what the pipeline already knows of it.
public struct AlertArrival: Sendable {
    public var alert: Alert
    /// The lake entity it maps to; nil when unmapped (it is kept, in an incident of its own).
    public var entity: EntityRef?
    /// The scenario event id or delivery id that carried it.
    public var eventID: String
    /// Trouble of the alerting entity and its upstreams at arrival, from the metric probe.
    public var trouble: [EntityRef: Trouble]
    /// Signal types of the alerting entity that are anomalous at arrival.
    public var symptoms: Set<SignalType>
    /// When the trouble of the alerting entity and of its upstreams began (earliest fault onset), where known.
    public var onsets: [EntityRef: Date]
    /// The alerting entity's own load moved (up or down) at arrival: its traffic, not only its health, changed.
    public var isLoadShifted: Bool
    /// The alerting entity and upstreams whose fault is still going at arrival (not recovered).
    public var ongoing: Set<EntityRef> = []
    /// Upstreams beyond the correlator's depth, reached by the probe along a chain of failing ones.
    public var deeper: [GraphHit] = []
    /// A saturation signal of the alerting entity still at or above the exhausted level at arrival, in words
    /// ("log-volume 0.55 -> 1"): a cause of its own in plain sight.
    public var exhausted: String?
    /// Tenants on the alert (`org=greyhawk-prod`) whose own traffic rose in the breakdown of the entity's load while
    /// its total stayed under the load test (a large steady tenant dilutes it).
    public var tenantLoadMoved: Set<String> = []
    /// When the latest severe fault of each upstream began (a health signal down, or 5x its baseline or more), where
    /// one is still going: something new on an upstream that had been in milder trouble for a while.
    public var severeOnsets: [EntityRef: Date] = [:]
    /// Upstreams whose only faults are mild saturations (under 2x their baseline, under the exhausted level) while
    /// what their users feel (latency, errors, health, lag), measured, is normal: busier, not failing.
    public var busier: Set<EntityRef> = []
    /// Upstreams whose every fault was over at arrival, with when the last of them recovered.
    public var recovered: [EntityRef: Date] = [:]

    public init(
        alert: Alert, entity: EntityRef?, eventID: String, trouble: [EntityRef: Trouble] = [:],
        symptoms: Set<SignalType> = [], onsets: [EntityRef: Date] = [:], isLoadShifted: Bool = false
    ) {
        self.alert = alert
        self.entity = entity
        self.eventID = eventID
        self.trouble = trouble
        self.symptoms = symptoms
        self.onsets = onsets
        self.isLoadShifted = isLoadShifted
    }
}
