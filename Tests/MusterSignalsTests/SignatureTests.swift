import Foundation
import Testing

@testable import MusterSignals

struct SignatureTests {
    @Test func rfc4231TestCase2() {
        let code = HMACSHA256.hex(of: "what do ya want for nothing?", key: "Jefe")
        #expect(code == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func rfc4231TestCase1WithBinaryKey() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let code = HMACSHA256.hex(of: Data("Hi There".utf8), key: key)
        #expect(code == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func emptyKeyAndMessage() {
        #expect(HMACSHA256.hex(of: "", key: "") == "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad")
    }

    @Test func pagerDutyDigestVector() {
        let body = Data(
            #"{"event":{"id":"01ABCDEF","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2026-01-01T00:00:00.000Z","agent":null,"client":null,"data":{"message":"Hello from your friend Pagey!","type":"ping"}}}"#
                .utf8)
        let header = "v1=a02a6d0f1fee5a8fcef7176952429aa072932518e936bd08bd86f03ffa88261d"
        #expect(PagerDutySignature.header(body: body, secret: "pd-test-secret") == header)
        #expect(PagerDutySignature.verify(body: body, header: header, secrets: ["pd-test-secret"]))
        #expect(
            PagerDutySignature.verify(
                body: body, header: "v1=00ff, v2=abc, " + header, secrets: ["old", "pd-test-secret"]))
        #expect(!PagerDutySignature.verify(body: body, header: header, secrets: ["other"]))
        #expect(!PagerDutySignature.verify(body: body + Data(" ".utf8), header: header, secrets: ["pd-test-secret"]))
        #expect(!PagerDutySignature.verify(body: body, header: "", secrets: ["pd-test-secret"]))
    }

    @Test func slackDigestVectorAndWindow() {
        let body = Data("payload=%7B%22type%22%3A%22block_actions%22%7D".utf8)
        let signature = "v0=4452cd91878ede620201ba7ed6ca4e7202eb7b4e395c1b45b4b96d121a1ed491"
        let sent = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(SlackSignature.signature(body: body, timestamp: "1767225600", secret: "slack-test-secret") == signature)
        #expect(
            SlackSignature.verify(
                body: body, timestamp: "1767225600", signature: signature, secret: "slack-test-secret", now: sent + 299)
        )
        #expect(
            !SlackSignature.verify(
                body: body, timestamp: "1767225600", signature: signature, secret: "slack-test-secret", now: sent + 301)
        )
        #expect(
            !SlackSignature.verify(
                body: body, timestamp: "1767225600", signature: signature, secret: "wrong", now: sent))
        #expect(
            !SlackSignature.verify(
                body: body, timestamp: "soon", signature: signature, secret: "slack-test-secret", now: sent))
    }

    @Test func gitHubDigestVector() {
        let body = Data(#"{"action":"created","deployment":{"id":1}}"#.utf8)
        let signature = "sha256=c9035013fc4ff038fc3cfb003cc8acf03ac9080d106012f48f4f003b9b18caf8"
        #expect(GitHubSignature.signature(body: body, secret: "gh-test-secret") == signature)
        #expect(GitHubSignature.verify(body: body, signature: signature, secret: "gh-test-secret"))
        #expect(!GitHubSignature.verify(body: body, signature: "sha256=00", secret: "gh-test-secret"))
    }

    @Test func grafanaDigestVectors() {
        let body = Data(#"{"receiver":"triage","status":"firing"}"#.utf8)
        let now = Date(timeIntervalSince1970: 1_767_225_600)
        #expect(
            GrafanaSignature.verify(
                body: body, signature: "4f4c33800a7009bc7cfaaebd619e977245e11590c001031f9f9a511129fa1bb0",
                secret: "gf-test-secret", now: now))
        #expect(
            GrafanaSignature.verify(
                body: body, signature: "8309b926dd27b367a65545a9842cedf3857e37ac4d51aac7f71a4f94533489aa",
                timestamp: "1767225600", secret: "gf-test-secret", now: now))
        #expect(
            !GrafanaSignature.verify(
                body: body, signature: "8309b926dd27b367a65545a9842cedf3857e37ac4d51aac7f71a4f94533489aa",
                timestamp: "1767225600", secret: "gf-test-secret", now: now + 600))
    }

    @Test func roundTripsUnderRandomSecrets() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            let secret = String(
                (0..<16).map { _ in Character(Unicode.Scalar(UInt8.random(in: 97...122, using: &generator))) })
            let body = Data(
                (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator)
                })
            #expect(
                PagerDutySignature.verify(
                    body: body, header: PagerDutySignature.header(body: body, secret: secret), secrets: [secret]))
            #expect(
                GitHubSignature.verify(
                    body: body, signature: GitHubSignature.signature(body: body, secret: secret), secret: secret))
        }
    }

    @Test func constantTimeEquals() {
        #expect(Hex.constantTimeEquals("abc", "abc"))
        #expect(!Hex.constantTimeEquals("abc", "abd"))
        #expect(!Hex.constantTimeEquals("abc", "abcd"))
        #expect(Hex.constantTimeEquals("", ""))
    }
}
