public import Foundation

/// Where triage messages go: the Slack incident channel and the credentials of each service.
public struct NotifyConfiguration: Hashable, Sendable {
    /// Slack Web API access; nil turns Slack off.
    public struct Slack: Hashable, Sendable {
        /// `https://slack.com/api/`, or a fake in tests.
        public var apiURL: URL
        /// A bot token, `xoxb-…`.
        public var token: String

        public init(apiURL: URL = URL(string: "https://slack.com/api/")!, token: String) {
            self.apiURL = apiURL
            self.token = token
        }
    }

    /// PagerDuty REST API access; nil turns PagerDuty off.
    public struct PagerDuty: Hashable, Sendable {
        /// `https://api.pagerduty.com`, or a fake in tests.
        public var apiURL: URL
        /// A REST API key (sent as `Token token=<key>`).
        public var token: String
        /// The email of a valid PagerDuty user, sent as `From` on writes.
        public var from: String

        public init(apiURL: URL = URL(string: "https://api.pagerduty.com")!, token: String, from: String) {
            self.apiURL = apiURL
            self.token = token
            self.from = from
        }
    }

    /// The channel of the incident root messages: an ID (`C0123INCID`) or a name (`#incidents`).
    public var channel: String
    public var slack: Slack?
    public var pagerDuty: PagerDuty?
    /// Whether PagerDuty incidents of one Muster incident are merged into the first one.
    public var mergePagerDuty: Bool

    public init(channel: String = "#incidents", slack: Slack?, pagerDuty: PagerDuty?, mergePagerDuty: Bool = false) {
        self.channel = channel
        self.slack = slack
        self.pagerDuty = pagerDuty
        self.mergePagerDuty = mergePagerDuty
    }

    /// The Slack client, nil when Slack is off.
    public func slackClient() -> SlackClient? {
        slack.map { SlackClient(apiURL: $0.apiURL, token: $0.token) }
    }

    /// The PagerDuty client, nil when PagerDuty is off.
    public func pagerDutyClient() -> PagerDutyClient? {
        pagerDuty.map { PagerDutyClient(apiURL: $0.apiURL, token: $0.token, from: $0.from) }
    }
}

extension NotifyConfiguration.Slack: CustomStringConvertible {
    /// The API URL; the token is never printed.
    public var description: String { "Slack(\(apiURL.absoluteString), token: redacted)" }
}

extension NotifyConfiguration.PagerDuty: CustomStringConvertible {
    /// The API URL and sender; the token is never printed.
    public var description: String { "PagerDuty(\(apiURL.absoluteString), from: \(from), token: redacted)" }
}
