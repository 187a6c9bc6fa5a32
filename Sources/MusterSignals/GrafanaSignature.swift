public import Foundation

/// Verifies Grafana 12+ webhook HMAC: bare lowercase hex over the body, or over `"<ts>:<body>"` with a timestamp.
public enum GrafanaSignature {
    /// How far a signed timestamp may be from `now`, either way.
    public static let window: TimeInterval = 300

    /// The signature Grafana sends for `body`, with the optional timestamp header value.
    public static func signature(body: some DataProtocol, timestamp: String? = nil, secret: String) -> String {
        var message = Data()
        if let timestamp { message.append(contentsOf: Array("\(timestamp):".utf8)) }
        message.append(contentsOf: body)
        return HMACSHA256.hex(of: message, key: Data(secret.utf8))
    }

    /// Whether `signature` matches; when `timestamp` is given it must also lie within five minutes of `now`.
    public static func verify(
        body: some DataProtocol, signature: String, timestamp: String? = nil, secret: String, now: Date
    ) -> Bool {
        if let timestamp {
            guard let seconds = Double(timestamp), abs(now.timeIntervalSince1970 - seconds) <= window else {
                return false
            }
        }
        return Hex.constantTimeEquals(
            signature.lowercased(), self.signature(body: body, timestamp: timestamp, secret: secret))
    }
}
