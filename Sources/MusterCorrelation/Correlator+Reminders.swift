import MusterModel

extension Correlator {
    /// The reminder pattern that `alert` matches (on its name, title or a label value), if any: an alert that
    /// announces a deadline (a certificate expiring in 14 days) reports no failure, so it neither joins an
    /// incident, not even one of its own entity, nor carries a join for later alerts.
    func reminderPattern(of alert: Alert) -> String? {
        let texts = [alert.name, alert.title] + alert.labels.keys.sorted().compactMap { alert.labels[$0] }
        return policy.reminderPatterns.first { pattern in
            guard let regex = try? Regex(pattern) else { return false }
            return texts.contains { $0.contains(regex) }
        }
    }
}
