import Foundation
public import MusterHTTP
import MusterLake
public import MusterModel
import MusterPipeline
import MusterSignals

/// Routes HTTP requests to the service: intake, events, Slack interactivity, the API, health and metrics.
///
/// Errors render as JSON `{"error": "..."}` with the status that fits: 400 malformed (naming the field),
/// 401 bad or missing signature or token, 404 unknown, 405 wrong method, 413/503 from the HTTP layer.
public struct ServiceRouter: HTTPHandler {
    public let service: MusterService
    let secrets: ServerConfiguration.Secrets
    let clock: any InstantClock

    public init(
        service: MusterService, secrets: ServerConfiguration.Secrets, clock: any InstantClock = SystemInstantClock()
    ) {
        self.service = service
        self.secrets = secrets
        self.clock = clock
    }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        let method = request.method
        func route(_ pattern: String...) -> [String]? {
            guard parts.count == pattern.count else { return nil }
            var captured: [String] = []
            for (part, expected) in zip(parts, pattern) {
                if expected == "*" { captured.append(part) } else if part != expected { return nil }
            }
            return captured
        }
        if route("healthz") != nil {
            return method == "GET" ? .json(200, #"{"status":"ok"}"#) : notAllowed(request)
        }
        if route("metrics") != nil {
            guard method == "GET" else { return notAllowed(request) }
            var response = HTTPResponse.text(200, service.metrics.render())
            response.headers["Content-Type"] = "text/plain; version=0.0.4"
            return response
        }
        if let name = route("v1", "intake", "*")?.first {
            return method == "POST" ? await intake(name, request) : notAllowed(request)
        }
        if route("v1", "events") != nil {
            return method == "POST" ? await event(request) : notAllowed(request)
        }
        if route("v1", "slack", "interactivity") != nil {
            return method == "POST" ? await interactivity(request) : notAllowed(request)
        }
        if route("v1", "incidents") != nil {
            return method == "GET" ? Self.encode(await service.incidents()) : notAllowed(request)
        }
        if let id = route("v1", "incidents", "*")?.first {
            guard method == "GET" else { return notAllowed(request) }
            guard let incident = await service.incidents().first(where: { $0.id == id }) else {
                return Self.error(404, "no incident \(id)")
            }
            let timeline = await service.timeline(of: id).map { "\(Timestamp.format($0.at)) \($0.text)" }
            return Self.encode(IncidentDetail(incident: incident, timeline: timeline))
        }
        if route("v1", "entities") != nil {
            return method == "PUT" ? await upsert(request) : notAllowed(request)
        }
        if let text = route("v1", "entities", "*")?.first {
            return method == "GET" ? lakeRead(text, view: nil) : notAllowed(request)
        }
        if let captured = route("v1", "entities", "*", "*") {
            return method == "GET" ? lakeRead(captured[0], view: captured[1]) : notAllowed(request)
        }
        if let team = route("v1", "oncall", "*")?.first {
            guard method == "GET" else { return notAllowed(request) }
            let ref = EntityRef(team) ?? EntityRef(kind: "team", id: team)
            let at = request.query["at"].flatMap(Timestamp.parse) ?? clock.now()
            return Self.encode(OnCallOutput(team: ref, at: at, onCall: service.lake.onCall(team: ref, at: at)))
        }
        return Self.error(404, "no route for \(method) \(request.path)")
    }

    private func notAllowed(_ request: HTTPRequest) -> HTTPResponse {
        Self.error(405, "\(request.method) is not allowed on \(request.path)")
    }

    // MARK: - Intake

    /// The alert intake routes start on the HTTP worker thread (authenticate, decode, queue the commit) and answer
    /// `202` once the delivery is committed, without holding the worker; everything else runs in a task.
    public func respond(to request: HTTPRequest, reply: HTTPReply) {
        guard let source = Self.intakeSource(of: request) else {
            Task { reply.send(await handle(request)) }
            return
        }
        if let refusal = authenticate(source, request) { return reply.send(refusal) }
        service.accept(source, body: Data(request.body), deliveryID: request.headers["x-webhook-id"]) { outcome in
            switch outcome {
            case .success(let receipt): reply.send(Self.receipt(receipt))
            case .failure(let error): reply.send(Self.error(error.status, error.message))
            }
        }
    }

    /// The alert source of an intake request (`POST /v1/intake/{source}`), nil for any other request.
    private static func intakeSource(of request: HTTPRequest) -> AlertSource? {
        let prefix = "/v1/intake/"
        guard request.method == "POST", request.path.hasPrefix(prefix) else { return nil }
        return AlertSource(rawValue: String(request.path.utf8.dropFirst(prefix.utf8.count))!)
    }

    /// Nil when the request may pass; else the 401 to answer.
    private func authenticate(_ source: AlertSource, _ request: HTTPRequest) -> HTTPResponse? {
        switch source {
        case .pagerduty:
            guard let secret = secrets.pagerDutyWebhookSecret else { return nil }
            guard let header = request.headers["x-pagerduty-signature"] else {
                return reject("pagerduty", 401, "missing X-PagerDuty-Signature")
            }
            guard PagerDutySignature.verify(body: request.body, header: header, secrets: [secret]) else {
                return reject("pagerduty", 401, "X-PagerDuty-Signature does not match the body")
            }
            return nil
        case .alertmanager, .grafana, .generic:
            guard let token = secrets.intakeToken else { return nil }
            return request.headers["authorization"] == "Bearer \(token)"
                ? nil : reject(source.rawValue, 401, "missing or wrong bearer token")
        }
    }

    private func intake(_ name: String, _ request: HTTPRequest) async -> HTTPResponse {
        let body = Data(request.body)
        let source: AlertSource
        switch name {
        case "pagerduty", "alertmanager", "grafana", "generic":
            source = AlertSource(rawValue: name)!
            if let refusal = authenticate(source, request) { return refusal }
        case "github":
            return await github(request)
        default:
            return Self.error(404, "no intake for '\(name)' (pagerduty, alertmanager, grafana, generic, github)")
        }
        let deliveryID = request.headers["x-webhook-id"]
        do {
            return Self.receipt(try await service.accept(source, body: body, deliveryID: deliveryID))
        } catch {
            return Self.error(error.status, error.message)
        }
    }

    private func reject(_ source: String, _ status: Int, _ message: String) -> HTTPResponse {
        service.metrics.received(source: source, outcome: "unauthorized")
        return Self.error(status, message)
    }

    /// GitHub `deployment_status` webhooks: a successful deployment is recorded on the service it names.
    private func github(_ request: HTTPRequest) async -> HTTPResponse {
        let body = Data(request.body)
        if let secret = secrets.gitHubWebhookSecret {
            guard let signature = request.headers["x-hub-signature-256"],
                GitHubSignature.verify(body: body, signature: signature, secret: secret)
            else { return reject("github", 401, "missing or wrong X-Hub-Signature-256") }
        }
        guard let payload = try? SignalDecoder.parseJSON(body) else { return Self.error(400, "body is not JSON") }
        guard request.headers["x-github-event"] == "deployment_status" || payload["deployment_status"] != nil else {
            return Self.encode(["ignored": JSONValue.string("not a deployment_status event")], status: 202)
        }
        guard let state = payload["deployment_status"]?["state"]?.stringValue else {
            return Self.error(400, "deployment_status.state: required field is missing")
        }
        guard state == "success" else {
            return Self.encode(["ignored": JSONValue.string("deployment state \(state)")], status: 202)
        }
        let repository = payload["repository"]?["name"]?.stringValue
        let named = payload["deployment"]?["payload"]?["service"]?.stringValue ?? repository
        guard let name = named else { return Self.error(400, "repository.name: required field is missing") }
        let target = EntityRef(name) ?? EntityRef(kind: "service", id: name)
        guard service.lake.entity(target, asOf: nil) != nil else {
            return Self.error(422, "\(target) is not in the lake (deployment of \(name))")
        }
        let deployment = Deployment(
            target: target, at: clock.now(), version: payload["deployment"]?["ref"]?.stringValue,
            commit: payload["deployment"]?["sha"]?.stringValue)
        do {
            try await service.record(.deploy(deployment))
        } catch {
            return Self.error(422, "\(error)")
        }
        return Self.encode(["recorded": JSONValue.string("deploy \(target)")], status: 202)
    }

    // MARK: - Events and catalog

    private func event(_ request: HTTPRequest) async -> HTTPResponse {
        if let token = secrets.intakeToken, request.headers["authorization"] != "Bearer \(token)" {
            return Self.error(401, "missing or wrong bearer token")
        }
        do {
            switch try EventDecoder.decodeEvent(Data(request.body), lake: service.lake, now: clock.now()) {
            case .history(let input):
                try await service.record(input)
                return Self.encode(["recorded": JSONValue.string("\(input)".prefix(200).description)], status: 202)
            case .shift(let shift):
                guard service.lake.entity(shift.team, asOf: nil) != nil,
                    service.lake.entity(shift.user, asOf: nil) != nil
                else {
                    return Self.error(422, "shift: \(shift.team) and \(shift.user) must be in the lake")
                }
                try service.lake.addShift(shift)
                return Self.encode(["recorded": JSONValue.string("shift \(shift.user) on \(shift.team)")], status: 202)
            }
        } catch let error as EventDecoder.Failure {
            return Self.error(400, error.description)
        } catch {
            return Self.error(422, "\(error)")
        }
    }

    private func upsert(_ request: HTTPRequest) async -> HTTPResponse {
        guard let token = secrets.intakeToken, request.headers["authorization"] == "Bearer \(token)" else {
            return Self.error(401, "catalog upserts need MUSTER_INTAKE_TOKEN as a bearer token")
        }
        let text = String(decoding: request.body, as: UTF8.self)
        let parsed = LakeImporter.entities(fromText: text, file: "request body")
        if let first = parsed.errors.first { return Self.error(400, "\(first)") }
        do {
            try service.lake.upsert(parsed.entities, at: clock.now())
        } catch {
            return Self.error(422, "\(error)")
        }
        return Self.encode(["upserted": JSONValue.number(Double(parsed.entities.count))])
    }

    private func lakeRead(_ text: String, view: String?) -> HTTPResponse {
        guard let ref = EntityRef(text.removingPercentEncoding ?? text) else {
            return Self.error(400, "'\(text)' is not a reference kind:id")
        }
        let lake = service.lake
        guard let entity = lake.entity(ref, asOf: nil) else { return Self.error(404, "\(ref) is not in the lake") }
        switch view {
        case nil: return Self.encode(entity)
        case "dependents": return Self.encode(lake.dependents(of: ref, depth: nil, asOf: nil))
        case "blast-radius":
            let radius = lake.blastRadius(of: ref, at: clock.now())
            return Self.encode(radius)
        default: return Self.error(404, "no view '\(view!)' (dependents, blast-radius)")
        }
    }

    // MARK: - Slack interactivity

    private func interactivity(_ request: HTTPRequest) async -> HTTPResponse {
        let body = Data(request.body)
        guard let secret = secrets.slackSigningSecret else {
            return Self.error(401, "MUSTER_SLACK_SIGNING_SECRET is not set: interactivity is disabled")
        }
        guard let timestamp = request.headers["x-slack-request-timestamp"],
            let signature = request.headers["x-slack-signature"],
            SlackSignature.verify(
                body: body, timestamp: timestamp, signature: signature, secret: secret, now: clock.now())
        else { return Self.error(401, "missing, wrong or stale X-Slack-Signature") }
        let form = FormDecoding.decode(String(decoding: body, as: UTF8.self))
        guard let json = form["payload"], let payload = try? SignalDecoder.parseJSON(Data(json.utf8)) else {
            return Self.error(400, "payload: expected a form field with the interaction JSON")
        }
        let user = payload["user"]?["id"]?.stringValue ?? "unknown"
        let actions = payload["actions"]?.arrayValue ?? []
        guard !actions.isEmpty else { return Self.error(400, "payload.actions: expected at least one action") }
        for action in actions {
            let id = action["action_id"]?.stringValue ?? "unknown"
            let value = action["value"]?.stringValue ?? ""
            try? await service.intake.recordInteraction(user: user, action: id, value: value, at: clock.now())
        }
        return .json(200, "{}")
    }

    // MARK: - Rendering

    static func encode(_ value: some Encodable, status: Int = 200) -> HTTPResponse {
        do {
            let data = try WireFormat.encoder(pretty: true).encode(value)
            return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(data))
        } catch {
            return Self.error(500, "could not encode the response: \(error)")
        }
    }

    /// The intake answer, written by hand: it is on the hot path and has four scalar fields.
    static func receipt(_ receipt: IntakeReceipt) -> HTTPResponse {
        var body = #"{"alerts":\#(receipt.alerts),"id":\#(receipt.id),"is_duplicate":\#(receipt.isDuplicate)"#
        if let ignored = receipt.ignored, let quoted = try? JSONEncoder().encode(ignored) {
            body += #","ignored":"# + String(decoding: quoted, as: UTF8.self)
        }
        body += "}"
        return HTTPResponse(
            status: receipt.isDuplicate ? 200 : 202, headers: ["Content-Type": "application/json"],
            body: Array(body.utf8))
    }

    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        let data = (try? WireFormat.encoder().encode(["error": message])) ?? Data()
        return HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: Array(data))
    }
}

/// One incident with its timeline, for `GET /v1/incidents/{id}`.
struct IncidentDetail: Encodable {
    var incident: IncidentOutput
    var timeline: [String]
}

/// Who is on call for a team at an instant.
struct OnCallOutput: Encodable {
    var team: EntityRef
    var at: Date
    var onCall: [EntityRef]
}
