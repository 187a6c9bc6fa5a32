import Foundation
import MusterServer

extension Runner {
    /// `muster serve`: configuration from the file (if any), then `--listen` and `--db` on top.
    func serve(config: String?, listen: String?, db: String?) async throws -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        var configuration =
            try config.map { try ServerConfiguration.load(path: $0, environment: environment) }
            ?? {
                var defaults = ServerConfiguration()
                defaults.secrets = ServerConfiguration.Secrets(environment: environment)
                return defaults
            }()
        if let listen {
            try configuration.setListen(listen, error: UsageError("--listen: expected host:port, got '\(listen)'"))
        }
        if let db { configuration.database = db }
        let errors = self.errors
        try await ServerApp.run(configuration) { line in errors("muster: \(line)") }
        return 0
    }
}
