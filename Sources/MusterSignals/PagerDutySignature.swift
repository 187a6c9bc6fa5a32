public import Foundation

/// Verifies `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]` over the raw body (Webhooks V3).
public enum PagerDutySignature {
    /// The header value PagerDuty would send for `body` signed with `secret`.
    public static func header(body: some DataProtocol, secret: String) -> String {
        "v1=" + HMACSHA256.hex(of: body, key: Data(secret.utf8))
    }

    /// Whether any `v1=` entry of `header` matches `body` under any of `secrets` (several during rotation).
    ///
    /// Entries with other version prefixes are ignored. There is no timestamp and no replay window;
    /// de-duplicate on `X-Webhook-Id` / `event.id` instead.
    public static func verify(body: some DataProtocol, header: String, secrets: [String]) -> Bool {
        let offered = header.split(separator: ",").compactMap { entry -> String? in
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("v1=") else { return nil }
            return String(trimmed.dropFirst(3)).lowercased()
        }
        guard !offered.isEmpty else { return false }
        var isValid = false
        for secret in secrets {
            let expected = HMACSHA256.hex(of: body, key: Data(secret.utf8))
            for candidate in offered where Hex.constantTimeEquals(candidate, expected) { isValid = true }
        }
        return isValid
    }
}
