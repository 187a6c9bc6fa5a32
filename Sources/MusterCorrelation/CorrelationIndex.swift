import MusterModel

/// Inverted indexes that keep the correlator's work per alert proportional to the incidents that
/// could share its cause, not to every incident or alert it has seen.
struct CorrelationIndex: Sendable {
    /// Incidents in which the entity alerts.
    var byEntity: [EntityRef: Set<IncidentID>] = [:]
    /// Incidents whose alerting entities depend on the entity.
    var byUpstream: [EntityRef: Set<IncidentID>] = [:]
    /// Incidents carrying a tenant label value (`org=acme`).
    var byTenant: [String: Set<IncidentID>] = [:]
    /// Alert keys per entity, for the same alert arriving through another source.
    var alertKeysByEntity: [EntityRef: Set<String>] = [:]

    mutating func add(_ id: IncidentID, entity: EntityRef, upstreams: some Sequence<EntityRef>) {
        byEntity[entity, default: []].insert(id)
        for upstream in upstreams { byUpstream[upstream, default: []].insert(id) }
    }

    mutating func addTenant(_ id: IncidentID, _ value: String) { byTenant[value, default: []].insert(id) }

    /// Moves every entry of `source` to `target` (after a merge).
    mutating func move(
        _ source: IncidentID, to target: IncidentID, entities: [EntityRef], upstreams: some Sequence<EntityRef>,
        tenants: [String]
    ) {
        for entity in entities { replace(source, with: target, in: &byEntity, at: entity) }
        for upstream in upstreams { replace(source, with: target, in: &byUpstream, at: upstream) }
        for tenant in tenants { replace(source, with: target, in: &byTenant, at: tenant) }
    }

    /// Forgets an incident entirely (after it is evicted).
    mutating func remove(
        _ id: IncidentID, entities: [EntityRef], upstreams: some Sequence<EntityRef>, tenants: [String]
    ) {
        for entity in entities { drop(id, from: &byEntity, at: entity) }
        for upstream in upstreams { drop(id, from: &byUpstream, at: upstream) }
        for tenant in tenants { drop(id, from: &byTenant, at: tenant) }
    }

    private func replace<Key: Hashable>(
        _ old: IncidentID, with new: IncidentID, in map: inout [Key: Set<IncidentID>], at key: Key
    ) {
        guard map[key]?.remove(old) != nil else { return }
        map[key, default: []].insert(new)
    }

    private func drop<Key: Hashable>(_ id: IncidentID, from map: inout [Key: Set<IncidentID>], at key: Key) {
        map[key]?.remove(id)
        if map[key]?.isEmpty == true { map[key] = nil }
    }
}
