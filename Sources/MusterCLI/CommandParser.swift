/// Parses argument arrays into `Command`s; pure, so it is tested without a process.
public enum CommandParser {
    public static let usage = """
        usage: muster <command> [options]

          demo                                   replay the seed incident and show Muster beside the humans
          replay SCENARIO.yaml... [--json] [--skill DIR]
                                                 replay recorded incidents and check their expectations
          lake import PATH... [--db PATH] [--json]
          lake show REF [--db PATH] [--json]
          lake dependents REF [--depth N] [--db PATH] [--json]
          lake blast-radius REF [--db PATH] [--json]
          lake oncall TEAM [--at TIME] [--db PATH] [--json]
          skill check DIR [--db PATH | --scenario FILE]
                                                 check a skill's playbook against a lake or a scenario
          serve [--config muster.yaml] [--listen 127.0.0.1:8080] [--db PATH]
                                                 run the live server: intake, triage, Slack and PagerDuty
          bench [SCENARIO.yaml...] [--only SECTION,...]
                                                 measure speed and accuracy (use a release build);
                                                 sections: replay, lake, storm, intake, petshop, calibration

        --db defaults to ./muster.db. REF is kind:id (service:actions-worker).
        """

    public static func parse(_ arguments: [String]) throws(UsageError) -> Command {
        var options = Options(arguments)
        guard let verb = options.positionals.first else { return .help }
        let rest = Array(options.positionals.dropFirst())
        switch verb {
        case "help", "-h", "--help": return .help
        case "demo":
            try options.finish(allowed: [])
            return .demo
        case "replay":
            guard !rest.isEmpty else { throw UsageError("replay needs at least one scenario file") }
            let skill = try options.value("--skill")
            let json = options.flag("--json")
            try options.finish(allowed: ["--json", "--skill"])
            return .replay(paths: rest, json: json, skill: skill)
        case "serve":
            let config = try options.value("--config")
            let listen = try options.value("--listen")
            let db = try options.value("--db")
            try options.finish(allowed: ["--config", "--listen", "--db"])
            guard rest.isEmpty else { throw UsageError("serve takes no positional arguments") }
            return .serve(config: config, listen: listen, db: db)
        case "bench":
            let only = try options.value("--only")
            try options.finish(allowed: ["--only"])
            var sections: Set<BenchSection> = []
            for name in (only ?? "").split(separator: ",") {
                guard let section = BenchSection(rawValue: String(name)) else {
                    let known = BenchSection.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError("unknown bench section '\(name)' (known: \(known))")
                }
                sections.insert(section)
            }
            return .bench(scenarios: rest, only: sections)
        case "lake":
            return try parseLake(rest, &options)
        case "skill":
            guard rest.first == "check" else { throw UsageError("skill needs the subcommand check") }
            guard rest.count == 2 else { throw UsageError("skill check takes exactly one skill folder") }
            let db = try options.value("--db")
            let scenario = try options.value("--scenario")
            try options.finish(allowed: ["--db", "--scenario"])
            if db != nil && scenario != nil { throw UsageError("skill check takes --db or --scenario, not both") }
            return .skillCheck(dir: rest[1], db: scenario == nil ? db ?? "./muster.db" : nil, scenario: scenario)
        default:
            throw UsageError("unknown command '\(verb)'")
        }
    }

    private static func parseLake(_ rest: [String], _ options: inout Options) throws(UsageError) -> Command {
        guard let sub = rest.first else { throw UsageError("lake needs a subcommand") }
        let args = Array(rest.dropFirst())
        let db = try options.value("--db") ?? "./muster.db"
        let json = options.flag("--json")
        func one(_ what: String) throws(UsageError) -> String {
            guard args.count == 1 else { throw UsageError("lake \(sub) takes exactly one \(what)") }
            return args[0]
        }
        switch sub {
        case "import":
            try options.finish(allowed: ["--db", "--json"])
            guard !args.isEmpty else { throw UsageError("lake import needs at least one path") }
            return .lakeImport(paths: args, db: db, json: json)
        case "show":
            try options.finish(allowed: ["--db", "--json"])
            return .lakeShow(ref: try one("REF"), db: db, json: json)
        case "dependents":
            let depthText = try options.value("--depth")
            try options.finish(allowed: ["--db", "--json", "--depth"])
            var depth: Int?
            if let depthText {
                guard let value = Int(depthText), value > 0 else {
                    throw UsageError("--depth must be a positive integer")
                }
                depth = value
            }
            return .lakeDependents(ref: try one("REF"), depth: depth, db: db, json: json)
        case "blast-radius":
            try options.finish(allowed: ["--db", "--json"])
            return .lakeBlastRadius(ref: try one("REF"), db: db, json: json)
        case "oncall":
            let at = try options.value("--at")
            try options.finish(allowed: ["--db", "--json", "--at"])
            return .lakeOnCall(team: try one("TEAM"), at: at, db: db, json: json)
        default:
            throw UsageError("unknown lake subcommand '\(sub)'")
        }
    }
}

/// Splits arguments into positionals and `--name [value]` options.
struct Options {
    var positionals: [String] = []
    var named: [String: String?] = [:]
    var used: Set<String> = []
    private static let valued: Set<String> = [
        "--db", "--depth", "--at", "--skill", "--config", "--listen", "--scenario", "--only",
    ]

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--") {
                if let equals = argument.firstIndex(of: "=") {
                    named[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
                } else if Self.valued.contains(argument), index + 1 < arguments.count {
                    named[argument] = arguments[index + 1]
                    index += 1
                } else {
                    named[argument] = .some(nil)
                }
            } else {
                positionals.append(argument)
            }
            index += 1
        }
    }

    mutating func flag(_ name: String) -> Bool { named[name] != nil }

    mutating func value(_ name: String) throws(UsageError) -> String? {
        guard let entry = named[name] else { return nil }
        guard let value = entry else { throw UsageError("\(name) needs a value") }
        return value
    }

    func finish(allowed: Set<String>) throws(UsageError) {
        for name in named.keys where !allowed.contains(name) { throw UsageError("unknown option \(name)") }
    }
}
