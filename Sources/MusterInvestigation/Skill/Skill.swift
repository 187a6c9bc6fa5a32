/// A team's skill: instructions a person or an LLM agent can follow (`SKILL.md`) and the playbook the
/// engine executes (`assets/playbook.yaml`), in the Agent Skills folder layout.
public struct Skill: Sendable {
    /// The front matter's `name`: lowercase letters, digits and hyphens.
    public var name: String
    /// The front matter's `description`: what the skill does and when to use it.
    public var description: String
    /// The Markdown after the front matter.
    public var instructions: String
    /// The playbook in effect: the default extended (or replaced) by the skill's own.
    public var playbook: Playbook
    /// Where each lake name the skill's own playbook mentions is written, for `SkillCheck`.
    public var references: [SkillReference]

    public init(
        name: String, description: String, instructions: String, playbook: Playbook, references: [SkillReference] = []
    ) {
        self.name = name
        self.description = description
        self.instructions = instructions
        self.playbook = playbook
        self.references = references
    }

    /// The default skill embedded in the binary (`DefaultSkill`), read onto `Playbook.empty` so every kind
    /// comes from its file; its playbook equals `Playbook.standard`.
    public static let standard: Skill = {
        do {
            return try SkillLoader.load(
                skillText: DefaultSkill.skillMarkdown, playbookText: DefaultSkill.playbookYAML, directory: "<default>",
                base: .empty)
        } catch {
            preconditionFailure("the embedded default skill does not load: \(error)")
        }
    }()
}

/// A name in a playbook that only the lake can confirm: an action, a signal name or a metric.
public struct SkillReference: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        case action, signal, metric
    }

    public var kind: Kind
    public var name: String
    /// The field path (`remediations.traffic-spike[1].action`).
    public var field: String
    public var file: String
    public var line: Int
    public var column: Int

    public init(kind: Kind, name: String, field: String, file: String, line: Int, column: Int) {
        self.kind = kind
        self.name = name
        self.field = field
        self.file = file
        self.line = line
        self.column = column
    }
}
