public import Foundation
import MusterModel
import MusterYAML

/// `muster.yaml`: where to listen, what to load, where to notify. Secrets come only from the environment.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 8080
    public var database = "./muster.db"
    /// Catalog files or folders imported at start (Muster entity files or Backstage descriptors).
    public var catalogs: [String] = []
    /// A skill folder that extends or replaces the default playbook.
    public var skill: String?
    /// The Slack channel of the incident root messages, and the Web API base URL.
    public var slackChannel = "#incidents"
    public var slackAPIURL = URL(string: "https://slack.com/api/")!
    public var pagerDutyAPIURL = URL(string: "https://api.pagerduty.com/")!
    /// The PagerDuty `From` header (an email of a PagerDuty user), required by its REST API for writes.
    public var pagerDutyFrom = "muster@example.com"
    /// Merge the PagerDuty incidents of one Muster incident into the first.
    public var mergePagerDuty = false
    public var joinThreshold: Double?
    public var reopenWindow: TimeInterval?
    /// How long the pipeline waits after a delivery before it takes what arrived: deliveries meanwhile
    /// share one batch (one triage, one Slack edit), and the intake keeps the CPU during a burst.
    public var batchDelay: Duration = .milliseconds(50)
    public var maxBodyBytes = 1 << 20
    public var maxInFlight = 256
    public var threads = 4
    /// Where live investigation reads metrics (a Prometheus base URL); nil = no metrics, the lake only.
    public var prometheusURL: URL?
    /// A link to a Muster incident in notes and cross-posts (`<base>/v1/incidents/inc-1`).
    public var publicURL: String?
    public var secrets = Secrets()

    public init() {}

    /// Secrets, read from the environment only.
    public struct Secrets: Sendable {
        public var pagerDutyWebhookSecret: String?
        public var intakeToken: String?
        public var gitHubWebhookSecret: String?
        public var slackSigningSecret: String?
        public var slackToken: String?
        public var pagerDutyToken: String?

        public init() {}

        public init(environment: [String: String]) {
            func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
            pagerDutyWebhookSecret = value("MUSTER_PAGERDUTY_WEBHOOK_SECRET")
            intakeToken = value("MUSTER_INTAKE_TOKEN")
            gitHubWebhookSecret = value("MUSTER_GITHUB_WEBHOOK_SECRET")
            slackSigningSecret = value("MUSTER_SLACK_SIGNING_SECRET")
            slackToken = value("MUSTER_SLACK_TOKEN")
            pagerDutyToken = value("MUSTER_PAGERDUTY_TOKEN")
        }
    }

    /// Reads `muster.yaml`; unknown keys and bad values are errors naming the file, line and field.
    public static func load(path: String, environment: [String: String]) throws -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError("\(path): cannot read: \(error.localizedDescription)")
        }
        return try parse(text, file: path, environment: environment)
    }

    public static func parse(_ text: String, file: String, environment: [String: String]) throws
        -> ServerConfiguration
    {
        var configuration = ServerConfiguration()
        configuration.secrets = Secrets(environment: environment)
        guard let root = try YAML.parse(text, file: file) else { return configuration }
        let fields = try YAMLFields(root, file: file, path: "")
        try fields.rejectUnknownKeys(allowed: [
            "listen", "database", "catalogs", "skill", "slack", "pagerduty", "correlation", "limits", "public_url",
            "prometheus_url",
        ])
        if let listen = try fields.optionalString("listen") {
            try configuration.setListen(
                listen, error: fields.error(at: fields.node["listen"]!, "listen: expected host:port, got '\(listen)'"))
        }
        configuration.database = try fields.optionalString("database") ?? configuration.database
        configuration.catalogs = try fields.list("catalogs").map { item in
            guard let path = item.scalar else {
                throw fields.error(at: item, "catalogs: expected file or folder paths")
            }
            return path
        }
        configuration.skill = try fields.optionalString("skill")
        configuration.publicURL = try fields.optionalString("public_url")
        if let url = try fields.optionalString("prometheus_url") {
            configuration.prometheusURL = try Self.url(url, fields, "prometheus_url")
        }
        if let node = fields.optional("slack") {
            let slack = try YAMLFields(node, file: file, path: "slack")
            try slack.rejectUnknownKeys(allowed: ["channel", "api_url"])
            configuration.slackChannel = try slack.optionalString("channel") ?? configuration.slackChannel
            if let url = try slack.optionalString("api_url") {
                configuration.slackAPIURL = try Self.url(url, slack, "api_url")
            }
        }
        if let node = fields.optional("pagerduty") {
            let pagerDuty = try YAMLFields(node, file: file, path: "pagerduty")
            try pagerDuty.rejectUnknownKeys(allowed: ["api_url", "merge", "from"])
            if let url = try pagerDuty.optionalString("api_url") {
                configuration.pagerDutyAPIURL = try Self.url(url, pagerDuty, "api_url")
            }
            if let merge = pagerDuty.optional("merge") {
                guard let flag = merge.json().boolValue else {
                    throw pagerDuty.error(at: merge, "pagerduty.merge: expected true or false")
                }
                configuration.mergePagerDuty = flag
            }
            configuration.pagerDutyFrom = try pagerDuty.optionalString("from") ?? configuration.pagerDutyFrom
        }
        if let node = fields.optional("correlation") {
            let correlation = try YAMLFields(node, file: file, path: "correlation")
            try correlation.rejectUnknownKeys(allowed: ["join_threshold", "reopen_window", "batch_delay"])
            configuration.joinThreshold = try correlation.optionalDouble("join_threshold")
            configuration.reopenWindow = try correlation.optionalDuration("reopen_window")
            if let delay = try correlation.optionalDuration("batch_delay") {
                configuration.batchDelay = .milliseconds(Int64((delay * 1000).rounded()))
            }
        }
        if let node = fields.optional("limits") {
            let limits = try YAMLFields(node, file: file, path: "limits")
            try limits.rejectUnknownKeys(allowed: ["max_body_bytes", "max_in_flight", "threads"])
            configuration.maxBodyBytes =
                try limits.optionalDouble("max_body_bytes").map { Int($0) } ?? configuration.maxBodyBytes
            configuration.maxInFlight =
                try limits.optionalDouble("max_in_flight").map { Int($0) } ?? configuration.maxInFlight
            configuration.threads = try limits.optionalDouble("threads").map { Int($0) } ?? configuration.threads
        }
        return configuration
    }

    /// Sets host and port from `host:port`.
    public mutating func setListen(_ listen: String, error: @autoclosure () -> any Error) throws {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw error()
        }
        host = String(listen[..<colon])
        self.port = port
    }

    private static func url(_ text: String, _ fields: YAMLFields, _ key: String) throws -> URL {
        guard let url = URL(string: text.hasSuffix("/") ? text : text + "/"), url.scheme != nil else {
            throw fields.error("\(fields.path(of: key)): '\(text)' is not a URL")
        }
        return url
    }
}

/// A configuration that cannot be used.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
