import Foundation
import MusterLake
import MusterModel
import MusterPipeline
import MusterSignals

/// Decodes `POST /v1/events` bodies: one of `deploy`, `change`, `action`, `entity`, in the scenario
/// format's shapes, or `shift` (`{team, user, from, to}` with RFC 3339 instants), with an optional `at`
/// (RFC 3339; default now).
enum EventDecoder {
    /// What a body asks to record.
    enum Event {
        case history(HistoryInput)
        case shift(OnCallShift)
    }

    static func decodeEvent(_ body: Data, lake: any LakeReader, now: Date) throws -> Event {
        if let json = try? SignalDecoder.parseJSON(body), let shift = json["shift"] {
            func instant(_ field: String) throws -> Date {
                guard let text = shift[field]?.stringValue, let date = Timestamp.parse(text) else {
                    throw Failure(description: "shift.\(field): expected an RFC 3339 timestamp")
                }
                return date
            }
            func ref(_ field: String) throws -> EntityRef {
                guard let text = shift[field]?.stringValue, let ref = EntityRef(text) else {
                    throw Failure(description: "shift.\(field): expected kind:id")
                }
                return ref
            }
            let value = OnCallShift(
                team: try ref("team"), user: try ref("user"), from: try instant("from"), to: try instant("to"))
            guard value.from < value.to else { throw Failure(description: "shift.to: must be after shift.from") }
            return .shift(value)
        }
        return .history(try decode(body, lake: lake, now: now))
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func decode(_ body: Data, lake: any LakeReader, now: Date) throws -> HistoryInput {
        let json: JSONValue
        do {
            json = try SignalDecoder.parseJSON(body)
        } catch {
            throw Failure(description: "\(error)")
        }
        guard let object = json.objectValue else { throw Failure(description: "body: expected a JSON object") }
        let kinds = ["deploy", "change", "action", "entity"].filter { object[$0] != nil }
        guard kinds.count == 1, let kind = kinds.first, let payload = object[kind] else {
            throw Failure(description: "body: expected exactly one of deploy, change, action, entity")
        }
        for key in object.keys where key != kind && key != "at" {
            throw Failure(description: "\(key): unknown key (expected at and one of deploy, change, action, entity)")
        }
        var at = now
        if let text = object["at"] {
            guard let value = text.stringValue, let date = Timestamp.parse(value) else {
                throw Failure(description: "at: expected an RFC 3339 timestamp")
            }
            at = date
        }
        func ref(_ field: String, required: Bool = true) throws -> EntityRef? {
            guard let text = payload[field]?.stringValue else {
                if required { throw Failure(description: "\(kind).\(field): required field is missing") }
                return nil
            }
            guard let ref = EntityRef(text) else {
                throw Failure(description: "\(kind).\(field): '\(text)' is not kind:id")
            }
            return ref
        }
        func text(_ field: String, required: Bool = false) throws -> String? {
            let value = payload[field]?.stringValue
            if required && value == nil { throw Failure(description: "\(kind).\(field): required field is missing") }
            return value
        }
        switch kind {
        case "deploy":
            return .deploy(
                Deployment(
                    target: try ref("service")!, at: at, version: try text("version"),
                    by: try ref("by", required: false), commit: try text("commit")))
        case "change":
            return .change(
                Change(
                    target: try ref("entity")!, at: at, summary: try text("summary", required: true)!,
                    by: try ref("by", required: false)))
        case "action":
            return .action(
                ActionRecord(
                    name: try text("name", required: true)!, target: try ref("target")!, at: at,
                    by: try ref("by", required: false), result: try text("result")))
        default:
            let data = try JSONEncoder().encode([payload])
            let parsed = LakeImporter.entities(fromText: String(decoding: data, as: UTF8.self), file: "entity")
            if let error = parsed.errors.first { throw Failure(description: "entity: \(error)") }
            guard let entity = parsed.entities.first else { throw Failure(description: "entity: expected an entity") }
            return .entity(entity)
        }
    }
}

/// `application/x-www-form-urlencoded` bodies (Slack interactivity).
enum FormDecoding {
    static func decode(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard let key = parts.first else { continue }
            func unescape(_ value: String) -> String {
                value.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? value
            }
            result[unescape(key)] = parts.count > 1 ? unescape(parts[1]) : ""
        }
        return result
    }
}
