public import Foundation

/// Verifies GitHub webhooks: `X-Hub-Signature-256: sha256=<hex>` over the raw body.
public enum GitHubSignature {
    /// The `X-Hub-Signature-256` value for `body` under `secret`.
    public static func signature(body: some DataProtocol, secret: String) -> String {
        "sha256=" + HMACSHA256.hex(of: body, key: Data(secret.utf8))
    }

    /// Whether `signature` (the header value) matches `body` under `secret`.
    public static func verify(body: some DataProtocol, signature: String, secret: String) -> Bool {
        Hex.constantTimeEquals(signature.lowercased(), self.signature(body: body, secret: secret))
    }
}
