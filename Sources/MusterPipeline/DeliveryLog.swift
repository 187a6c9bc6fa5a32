/// Delivery ids already taken (`X-Webhook-Id`, PagerDuty `event.id`), so a webhook retry is
/// acknowledged without being processed twice. Bounded: the oldest ids are forgotten first.
struct DeliveryLog: Sendable {
    private var seen: Set<String> = []
    private var order: [String] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    /// Records `id`; false when it was already there.
    mutating func insert(_ id: String) -> Bool {
        guard seen.insert(id).inserted else { return false }
        order.append(id)
        if order.count - head > capacity {
            seen.remove(order[head])
            head += 1
            if head > capacity {
                order.removeFirst(head)
                head = 0
            }
        }
        return true
    }
}
