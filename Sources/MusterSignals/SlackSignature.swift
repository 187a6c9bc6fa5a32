public import Foundation

/// Verifies Slack request signing: `X-Slack-Signature: v0=<hex>` over `v0:<timestamp>:<body>`.
public enum SlackSignature {
    /// How far the request timestamp may be from `now`, either way.
    public static let window: TimeInterval = 300

    /// The `X-Slack-Signature` value for `body` sent at `timestamp` (unix seconds, as in the header).
    public static func signature(body: some DataProtocol, timestamp: String, secret: String) -> String {
        var base = Data("v0:\(timestamp):".utf8)
        base.append(contentsOf: body)
        return "v0=" + HMACSHA256.hex(of: base, key: Data(secret.utf8))
    }

    /// Whether `signature` matches and `timestamp` lies within five minutes of `now` (replay protection).
    public static func verify(
        body: some DataProtocol, timestamp: String, signature: String, secret: String, now: Date
    ) -> Bool {
        guard let seconds = Double(timestamp.trimmingCharacters(in: .whitespaces)),
            abs(now.timeIntervalSince1970 - seconds) <= window
        else { return false }
        return Hex.constantTimeEquals(
            signature.lowercased(), self.signature(body: body, timestamp: timestamp, secret: secret))
    }
}
