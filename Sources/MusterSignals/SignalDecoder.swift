public import Foundation
public import MusterModel

/// Turns a webhook body from any supported source into normalized alerts.
///
/// Pure and synchronous: the same function serves the live server and scenario replay.
public enum SignalDecoder {
    /// Decodes an already-parsed payload (scenario files carry payloads as data, not bytes).
    public static func decode(
        _ source: AlertSource, payload: JSONValue, receivedAt: Date
    ) throws(DecodeError) -> Delivery {
        let root = PayloadField(payload)
        guard case .object = payload else { throw .invalid("", "the body must be a JSON object") }
        switch source {
        case .pagerduty: return try PagerDutyDecoder.decode(root, receivedAt: receivedAt)
        case .alertmanager, .grafana: return try AlertGroupDecoder.decode(root, source: source, receivedAt: receivedAt)
        case .generic: return try GenericDecoder.decode(root, receivedAt: receivedAt)
        }
    }

    /// Decodes raw request bytes; a JSON syntax error reports its 1-based line and column.
    ///
    /// An Alertmanager body of the usual shape is read straight into alerts (``AlertmanagerBodyReader``); any
    /// other body, or one that reader does not take, goes through the `JSONValue` tree.
    public static func decode(_ source: AlertSource, body: Data, receivedAt: Date) throws(DecodeError) -> Delivery {
        if source == .alertmanager,
            let delivery = body.withUnsafeBytes({ raw in
                AlertmanagerBodyReader.decode(raw.assumingMemoryBound(to: UInt8.self), receivedAt: receivedAt)
            })
        {
            return delivery
        }
        return try decode(source, payload: parseJSON(body), receivedAt: receivedAt)
    }

    /// Parses bytes into a `JSONValue`.
    public static func parseJSON(_ body: Data) throws(DecodeError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw DecodeError(
                .malformedJSON, path: "", reason: "the body is not valid JSON: \(error.message)", line: error.line,
                column: error.column)
        }
    }
}
