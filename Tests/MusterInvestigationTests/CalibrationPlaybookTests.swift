import Testing

@testable import MusterInvestigation

/// The playbook's `calibration` section: read, defaulted, overridden, rejected with file, line and field.
struct CalibrationPlaybookTests {
    func playbook(_ text: String) throws -> Playbook {
        try SkillLoader.playbook(from: text, file: "team/assets/playbook.yaml")
    }

    func error(_ text: String) -> String? {
        do {
            _ = try playbook(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aTeamSkillReplacesTheMapAndKeepsTheRest() throws {
        let custom = try playbook("version: 1\ncalibration:\n  points:\n    - [0.2, 0.1]\n    - [0.8, 0.7]\n")
        var expected = Playbook.standard
        expected.calibration = CalibrationMap([(0.2, 0.1), (0.8, 0.7)])
        #expect(custom == expected)
    }

    @Test func anEmptyListKeepsTheRawScores() throws {
        #expect(try playbook("version: 1\ncalibration: {points: []}\n").calibration.isIdentity)
    }

    @Test func theDefaultPlaybookCarriesAMonotoneMapThatIsNeverCertain() {
        let map = Playbook.standard.calibration
        #expect(!map.isIdentity)
        #expect(CalibrationMap.problem(in: map.points) == nil)
        #expect(map.points.allSatisfy { $0.probability > 0 && $0.probability < 1 })
        #expect(Skill.standard.playbook.calibration == map)
    }

    @Test func aSkillWithAMapPassesTheLakeCheck() throws {
        let skill = try SkillLoader.load(
            skillText: "---\nname: team\ndescription: Team triage.\n---\nBody.\n",
            playbookText: "version: 1\ncalibration: {points: [[0.3, 0.1], [0.9, 0.6]]}\n", directory: "team")
        #expect(skill.playbook.calibration.points.count == 2)
        #expect(SkillCheck(entities: []).problems(of: skill).isEmpty)
    }

    @Test(arguments: [
        (
            "version: 1\ncalibration:\n  points:\n    - [0.2, 0.1]\n    - [0.6, 0.05]\n",
            "team/assets/playbook.yaml:5:7: calibration.points[1]: probability 0.05 decreases "
                + "(the previous point has 0.1); the map must be monotone"
        ),
        (
            "version: 1\ncalibration: {points: [[0.2, 0.1], [0.2, 0.3]]}\n",
            "team/assets/playbook.yaml:2:36: calibration.points[1]: score 0.2 does not increase (the previous point has 0.2)"
        ),
        (
            "version: 1\ncalibration: {points: [[0.2, 1.5]]}\n",
            "team/assets/playbook.yaml:2:24: calibration.points[0]: probability 1.5 is not within 0...1"
        ),
        (
            "version: 1\ncalibration: {points: [[0.2]]}\n",
            "team/assets/playbook.yaml:2:24: calibration.points[0]: expected [score, probability]"
        ),
        (
            "version: 1\ncalibration: {points: [[0.2, high]]}\n",
            "team/assets/playbook.yaml:2:30: calibration.points[0][1]: expected a number"
        ),
        (
            "version: 1\ncalibration: {points: 0.5}\n",
            "team/assets/playbook.yaml:2:23: calibration.points: expected a list of [score, probability] pairs"
        ),
        (
            "version: 1\ncalibration: {point: []}\n",
            "team/assets/playbook.yaml:2:15: calibration.point: unknown key (expected one of: points)"
        ),
    ])
    func aBadMapIsAnErrorAtItsLine(text: String, message: String) {
        #expect(error(text) == message)
    }
}
