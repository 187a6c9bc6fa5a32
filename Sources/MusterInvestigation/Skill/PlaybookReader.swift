import Foundation
import MusterModel
import MusterYAML

/// Reads one `playbook.yaml` (format version 1) onto a base playbook, remembering where lake names are written.
///
/// Keys the file sets replace the base's values; hypotheses and remediations merge per kind (a listed kind
/// replaces that kind's entry, field by field for hypotheses). `replace: true` starts from `Playbook.empty`
/// instead, so unlisted kinds are not pursued and have no remediations.
struct PlaybookReader {
    static let topLevelKeys: Set<String> = [
        "version", "replace", "thresholds", "windows", "topology", "correlation", "hypotheses", "remediations",
        "calibration",
    ]
    static let thresholdKeys: Set<String> = [
        "sigmas", "relative_change", "error_floor", "load_ratio", "sustain", "exhausted_level", "confidence_bar",
        "tentative_bar", "spike_ratio", "attribution_share",
    ]
    static let windowKeys: Set<String> = [
        "alignment", "change_lookback", "judge_after", "baseline", "baseline_gap", "onset_lookback",
    ]
    static let topologyKeys: Set<String> = ["upstream_depth", "hub_share", "infrastructure_types"]
    static let correlationKeys: Set<String> = ["reminders"]
    static let hypothesisKeys: Set<String> = ["kind", "enabled", "weight", "when", "reads"]
    static let signatureKeys: Set<String> = ["alerts", "labels", "symptoms", "signals"]
    static let selectionKeys: Set<String> = ["types", "signals", "metrics"]
    static let stepKeys: Set<String> = ["action", "params"]
    /// Parameters each action accepts; an action not listed takes none.
    static let actionParams: [String: Set<String>] = ["scale-out": ["max_factor"]]

    let file: String
    private(set) var references: [SkillReference] = []
    private var scaleCap: (value: Double, line: Int)?

    init(file: String) { self.file = file }

    /// Reads `text` onto `base`.
    mutating func read(_ text: String, base: Playbook) throws(YAMLError) -> Playbook {
        guard let root = try YAML.parse(text, file: file) else { return base }
        let top = try YAMLFields(root, file: file, path: "")
        try top.rejectUnknownKeys(allowed: Self.topLevelKeys)
        let version = try top.required("version")
        guard version.scalar == "1" else { throw top.error(at: version, "version: expected 1") }
        var playbook = try bool(top, "replace") == true ? Playbook.empty : base
        if let node = top.optional("thresholds") { try readThresholds(fields(node, "thresholds"), into: &playbook) }
        if let node = top.optional("windows") { try readWindows(fields(node, "windows"), into: &playbook) }
        if let node = top.optional("topology") { try readTopology(fields(node, "topology"), into: &playbook) }
        if let node = top.optional("correlation") {
            try readCorrelation(fields(node, "correlation"), into: &playbook)
        }
        if let node = top.optional("hypotheses") { try readHypotheses(node, into: &playbook) }
        if let node = top.optional("remediations") {
            try readRemediations(fields(node, "remediations"), into: &playbook)
        }
        if let node = top.optional("calibration") { try readCalibration(fields(node, "calibration"), into: &playbook) }
        return playbook
    }

    // MARK: - Sections

    private func readThresholds(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        try section.rejectUnknownKeys(allowed: Self.thresholdKeys)
        try number(section, "sigmas", above: 0).map { playbook.sigmas = $0 }
        try number(section, "relative_change", atLeast: 0).map { playbook.relativeChange = $0 }
        try number(section, "error_floor", atLeast: 0).map { playbook.errorFloor = $0 }
        try number(section, "load_ratio", above: 1).map { playbook.loadRatio = $0 }
        try integer(section, "sustain", atLeast: 1).map { playbook.sustain = $0 }
        try share(section, "exhausted_level").map { playbook.exhaustedLevel = $0 }
        try share(section, "confidence_bar", allowsZero: true).map { playbook.confidenceBar = $0 }
        try share(section, "tentative_bar", allowsZero: true).map { playbook.tentativeBar = $0 }
        try number(section, "spike_ratio", atLeast: 1).map { playbook.spikeRatio = $0 }
        try share(section, "attribution_share").map { playbook.attributionShare = $0 }
    }

    private func readWindows(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        try section.rejectUnknownKeys(allowed: Self.windowKeys)
        try duration(section, "alignment").map { playbook.alignmentWindow = $0 }
        try duration(section, "change_lookback").map { playbook.changeLookBack = $0 }
        try duration(section, "judge_after").map { playbook.judgeAfter = $0 }
        try duration(section, "baseline").map { playbook.baselineSpan = $0 }
        try duration(section, "baseline_gap").map { playbook.baselineGap = $0 }
        try duration(section, "onset_lookback").map { playbook.onsetLookBack = $0 }
    }

    private func readTopology(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        try section.rejectUnknownKeys(allowed: Self.topologyKeys)
        try integer(section, "upstream_depth", atLeast: 1).map { playbook.upstreamDepth = $0 }
        try share(section, "hub_share").map { playbook.hubShare = $0 }
        if section.optional("infrastructure_types") != nil {
            playbook.infrastructureTypes = try words(section, "infrastructure_types").map { $0.text.lowercased() }
        }
    }

    private func readCorrelation(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        try section.rejectUnknownKeys(allowed: Self.correlationKeys)
        guard section.optional("reminders") != nil else { return }
        var patterns: [String] = []
        for word in try words(section, "reminders") {
            guard (try? Regex(word.text)) != nil else {
                throw YAMLError(
                    file: file, mark: word.mark, message: "\(word.path): '\(word.text)' is not a regular expression")
            }
            patterns.append(word.text)
        }
        playbook.reminderAlerts = patterns
    }

    private mutating func readHypotheses(_ node: YAMLNode, into playbook: inout Playbook) throws(YAMLError) {
        guard let items = node.sequence else {
            throw YAMLError(file: file, mark: node.mark, message: "hypotheses: expected a list")
        }
        var seen: Set<RootCauseKind> = []
        for (index, item) in items.enumerated() {
            let entry = try fields(item, "hypotheses[\(index)]")
            try entry.rejectUnknownKeys(allowed: Self.hypothesisKeys)
            let kind = try rootCauseKind(try entry.required("kind"), path: entry.path(of: "kind"))
            guard seen.insert(kind).inserted else {
                throw entry.error(
                    at: try entry.required("kind"), "\(entry.path(of: "kind")): \(kind.rawValue) is listed twice")
            }
            var rule = playbook.hypotheses[kind] ?? HypothesisRule()
            try bool(entry, "enabled").map { rule.isEnabled = $0 }
            try number(entry, "weight", atLeast: 0).map { rule.weight = $0 }
            if let when = entry.optional("when") { rule.when = try signature(fields(when, entry.path(of: "when"))) }
            if let reads = entry.optional("reads") {
                rule.reads = try selection(fields(reads, entry.path(of: "reads")))
            }
            playbook.hypotheses[kind] = rule
        }
    }

    private mutating func readRemediations(_ section: YAMLFields, into playbook: inout Playbook) throws(YAMLError) {
        for (key, value) in section.node.mapping ?? [] {
            let keyMark = section.node.markOfKey(key) ?? section.node.mark
            let keyNode = YAMLNode(.scalar(key, isPlain: true), mark: keyMark)
            let kind = try rootCauseKind(keyNode, path: section.path(of: key))
            var actions: [String] = []
            for (index, item) in (value.sequence ?? [value]).enumerated() where !item.isNull {
                actions.append(try step(item, path: "\(section.path(of: key))[\(index)]"))
            }
            playbook.remediations[kind] = actions
        }
        if let scaleCap { playbook.maxScaleFactor = scaleCap.value }
    }

    /// One remediation step: `rollback` or `{action: scale-out, params: {max_factor: 8}}`.
    private mutating func step(_ node: YAMLNode, path: String) throws(YAMLError) -> String {
        if let action = node.scalar {
            remember(.action, action, field: path, at: node.mark)
            return action
        }
        let entry = try fields(node, path)
        try entry.rejectUnknownKeys(allowed: Self.stepKeys)
        let actionNode = try entry.required("action")
        guard let action = actionNode.scalar, !action.isEmpty else {
            throw entry.error(at: actionNode, "\(entry.path(of: "action")): expected an action name")
        }
        remember(.action, action, field: entry.path(of: "action"), at: actionNode.mark)
        guard let paramsNode = entry.optional("params") else { return action }
        let params = try fields(paramsNode, entry.path(of: "params"))
        let allowed = Self.actionParams[action] ?? []
        guard !allowed.isEmpty || params.node.mapping?.isEmpty != false else {
            throw entry.error(at: paramsNode, "\(params.path): \(action) takes no parameters")
        }
        try params.rejectUnknownKeys(allowed: allowed)
        if let factor = try number(params, "max_factor", atLeast: 1) {
            let line = params.optional("max_factor")?.mark ?? params.node.mark
            if let scaleCap, scaleCap.value != factor {
                throw YAMLError(
                    file: file, mark: line,
                    message: "\(params.path(of: "max_factor")): \(SignalAssessment.format(factor)) differs from "
                        + "\(SignalAssessment.format(scaleCap.value)) at line \(scaleCap.line); one cap applies to every scale-out"
                )
            }
            scaleCap = (factor, line.line)
        }
        return action
    }

    // MARK: - Parts

    private mutating func signature(_ section: YAMLFields) throws(YAMLError) -> AlertSignature {
        try section.rejectUnknownKeys(allowed: Self.signatureKeys)
        var signature = AlertSignature()
        for word in try words(section, "alerts") {
            do {
                _ = try Regex(word.text)
            } catch {
                throw YAMLError(
                    file: file, mark: word.mark,
                    message: "\(word.path): '\(word.text)' is not a regular expression (\(error))")
            }
            signature.alertNames.append(word.text)
        }
        if let labels = section.optional("labels") {
            let map = try fields(labels, section.path(of: "labels"))
            for (key, value) in map.node.mapping ?? [] {
                guard let pattern = value.scalar else {
                    throw map.error(at: value, "\(map.path(of: key)): expected a pattern")
                }
                guard (try? Regex(pattern)) != nil else {
                    throw map.error(at: value, "\(map.path(of: key)): '\(pattern)' is not a regular expression")
                }
                signature.labels[key] = pattern
            }
        }
        signature.symptoms = try signalTypes(section, "symptoms")
        for word in try words(section, "signals") {
            remember(.signal, word.text, field: word.path, at: word.mark)
            signature.signals.insert(word.text)
        }
        return signature
    }

    private mutating func selection(_ section: YAMLFields) throws(YAMLError) -> SignalSelection {
        try section.rejectUnknownKeys(allowed: Self.selectionKeys)
        var selection = SignalSelection(types: try signalTypes(section, "types"))
        for word in try words(section, "signals") {
            remember(.signal, word.text, field: word.path, at: word.mark)
            selection.names.insert(word.text)
        }
        for word in try words(section, "metrics") {
            remember(.metric, word.text, field: word.path, at: word.mark)
            selection.metrics.insert(word.text)
        }
        return selection
    }

    private func signalTypes(_ section: YAMLFields, _ key: String) throws(YAMLError) -> Set<SignalType> {
        var types: Set<SignalType> = []
        for word in try words(section, key) {
            guard let type = SignalType(rawValue: word.text) else {
                let known = SignalType.allCases.map(\.rawValue).joined(separator: ", ")
                throw YAMLError(
                    file: file, mark: word.mark,
                    message: "\(word.path): unknown signal type '\(word.text)' (expected one of: \(known))")
            }
            types.insert(type)
        }
        return types
    }

    private func rootCauseKind(_ node: YAMLNode, path: String) throws(YAMLError) -> RootCauseKind {
        guard let text = node.scalar, let kind = RootCauseKind(rawValue: text) else {
            let known = RootCauseKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw YAMLError(
                file: file, mark: node.mark,
                message: "\(path): unknown root-cause kind '\(node.scalar ?? "?")' (expected one of: \(known))")
        }
        return kind
    }

    private mutating func remember(_ kind: SkillReference.Kind, _ name: String, field: String, at mark: YAMLMark) {
        references.append(
            SkillReference(kind: kind, name: name, field: field, file: file, line: mark.line, column: mark.column))
    }
}
