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
        return reminders.pattern(matching: texts)
    }
}

/// Reminder and passed-deadline patterns, compiled once per correlator.
final class ReminderMatcher: @unchecked Sendable {
    // Unchecked: the compiled expressions are never mutated after `init`, and matching only reads them.
    private let passed: [Regex<AnyRegexOutput>]
    private let reminders: [(pattern: String, regex: Regex<AnyRegexOutput>)]

    /// Compiles `patterns`; one that does not compile is skipped (the playbook reader validates them).
    init(patterns: [String]) {
        passed = Correlator.passedDeadlinePatterns.compactMap { try? Regex($0) }
        reminders = patterns.compactMap { pattern in (try? Regex(pattern)).map { (pattern, $0) } }
    }

    /// The first reminder pattern one of `texts` matches, unless one says the deadline has passed.
    func pattern(matching texts: [String]) -> String? {
        guard !reminders.isEmpty else { return nil }
        if passed.contains(where: { regex in texts.contains { $0.contains(regex) } }) { return nil }
        return reminders.first { reminder in texts.contains { $0.contains(reminder.regex) } }?.pattern
    }
}
