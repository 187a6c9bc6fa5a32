import Foundation
import MusterYAML

/// Loads a skill folder: `SKILL.md` (YAML front matter with `name` and `description`, then Markdown) and,
/// when present, `assets/playbook.yaml` read onto a base playbook (the default unless it says `replace: true`).
///
/// Every error is a `SkillError` naming the file, line and column.
public enum SkillLoader {
    /// The instruction file, relative to the skill folder.
    public static let skillFile = "SKILL.md"
    /// The playbook, relative to the skill folder.
    public static let playbookFile = "assets/playbook.yaml"
    /// Front-matter keys of the Agent Skills format.
    static let frontMatterKeys: Set<String> = [
        "name", "description", "license", "compatibility", "metadata", "allowed-tools",
    ]

    /// Loads the skill in `directory`; its playbook extends `base`.
    public static func load(directory: String, base: Playbook = .standard) throws(SkillError) -> Skill {
        let folder = URL(fileURLWithPath: directory)
        let skillPath = folder.appendingPathComponent(skillFile).path
        let playbookPath = folder.appendingPathComponent(playbookFile).path
        let skillText = try read(skillPath)
        let playbookText = FileManager.default.fileExists(atPath: playbookPath) ? try read(playbookPath) : nil
        return try load(skillText: skillText, playbookText: playbookText, directory: directory, base: base)
    }

    /// Loads a skill from its texts; `directory` names the files in errors.
    public static func load(
        skillText: String, playbookText: String?, directory: String, base: Playbook = .standard
    ) throws(SkillError) -> Skill {
        let skillPath = directory + "/" + skillFile
        let front = try frontMatter(of: skillText, file: skillPath)
        var skill = Skill(name: front.name, description: front.description, instructions: front.body, playbook: base)
        guard let playbookText else { return skill }
        var reader = PlaybookReader(file: directory + "/" + playbookFile)
        do {
            skill.playbook = try reader.read(playbookText, base: base)
        } catch {
            throw SkillError(error)
        }
        skill.references = reader.references
        return skill
    }

    /// Reads only a playbook text onto `base`.
    public static func playbook(from text: String, file: String, base: Playbook = .standard)
        throws(SkillError) -> Playbook
    {
        var reader = PlaybookReader(file: file)
        do {
            return try reader.read(text, base: base)
        } catch {
            throw SkillError(error)
        }
    }

    // MARK: - SKILL.md

    /// Splits `---` front matter from the Markdown and checks `name` and `description`.
    static func frontMatter(of text: String, file: String) throws(SkillError) -> (
        name: String, description: String, body: String
    ) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingSuffix("\r") }
        guard lines.first == "---" else {
            throw SkillError(file: file, line: 1, column: 1, message: "expected YAML front matter: a first line '---'")
        }
        guard let end = lines.dropFirst().firstIndex(of: "---") else {
            throw SkillError(file: file, line: 1, column: 1, message: "the front matter has no closing '---' line")
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        do {
            guard let root = try YAML.parse(yaml, file: file) else {
                throw SkillError(file: file, line: 2, column: 1, message: "name: required field is missing")
            }
            let fields = try YAMLFields(root, file: file, path: "")
            try fields.rejectUnknownKeys(allowed: frontMatterKeys)
            let name = try fields.string("name")
            let nameNode = try fields.required("name")
            let isValid =
                !name.isEmpty && name.count <= 64 && !name.hasPrefix("-") && !name.hasSuffix("-")
                && !name.contains("--")
                && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            guard isValid else {
                throw fields.error(
                    at: nameNode,
                    "name: '\(name)' is not a skill name (lowercase letters, digits and single hyphens, at most 64)")
            }
            let description = try fields.string("description")
            guard !description.isEmpty, description.count <= 1024 else {
                throw fields.error(at: try fields.required("description"), "description: expected 1 to 1024 characters")
            }
            return (name, description, body)
        } catch let error as YAMLError {
            throw SkillError(error, lineOffset: 1)
        } catch let error as SkillError {
            throw error
        } catch {
            throw SkillError(file: file, message: "\(error)")
        }
    }

    private static func read(_ path: String) throws(SkillError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkillError(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SkillError(file: path, message: "the file is not UTF-8 text")
        }
        return text
    }
}

extension Substring {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : String(self)
    }
}
