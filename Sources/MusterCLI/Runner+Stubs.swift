extension Runner {
    func lake(_ command: Command) throws -> Int32 { 0 }
    func bench(scenarios: [String]) async throws -> Int32 { 0 }
}
