import MusterModel

extension Correlator {
    /// Words that say a deadline has already passed (a certificate that expired, 0 days left): such an alert
    /// reports a failure, whatever reminder pattern its name matches.
    static let passedDeadlinePatterns = [#"(?i)\bexpired\b"#, #"(?i)\b0 days?[ _](left|remaining)"#]

    /// The reminder pattern that `alert` matches (on its name, title or a label value), if any: an alert that
    /// announces a deadline (a certificate expiring in 14 days) reports no failure, so it neither joins an
    /// incident, not even one of its own entity, nor carries a join for later alerts. An alert whose text says
    /// the deadline has passed (expired, 0 days left) is no reminder, even when its name matches one.
    func reminderPattern(of alert: Alert) -> String? {
        let texts = [alert.name, alert.title] + alert.labels.keys.sorted().compactMap { alert.labels[$0] }
        let passed = Self.passedDeadlinePatterns.contains { pattern in
            guard let regex = try? Regex(pattern) else { return false }
            return texts.contains { $0.contains(regex) }
        }
        if passed { return nil }
        return policy.reminderPatterns.first { pattern in
            guard let regex = try? Regex(pattern) else { return false }
            return texts.contains { $0.contains(regex) }
        }
    }
}
