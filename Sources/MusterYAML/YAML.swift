internal import CYAML

/// YAML parsing through libyaml's event parser into `YAMLNode` trees with marks.
public enum YAML {
    /// Parses every document of a (possibly multi-document) text; empty documents are skipped.
    public static func parseDocuments(_ text: String, file: String) throws(YAMLError) -> [YAMLNode] {
        let parser = EventParser(text: text, file: file)
        return try parser.documents()
    }

    /// Parses a single-document text; nil when it is empty.
    public static func parse(_ text: String, file: String) throws(YAMLError) -> YAMLNode? {
        let documents = try parseDocuments(text, file: file)
        if documents.count > 1 {
            throw YAMLError(
                file: file, mark: documents[1].mark, message: "expected one YAML document, found \(documents.count)")
        }
        return documents.first
    }
}

/// Owns a `yaml_parser_t` for one parse; not shared across threads.
private final class EventParser {
    private var parser = yaml_parser_t()
    private let bytes: [UInt8]
    private let file: String
    private var anchors: [String: YAMLNode] = [:]

    init(text: String, file: String) {
        self.bytes = Array(text.utf8)
        self.file = file
    }

    func documents() throws(YAMLError) -> [YAMLNode] {
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLError(
                file: file, mark: YAMLMark(line: 1, column: 1), message: "cannot initialize the YAML parser")
        }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> [YAMLNode] in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var result: [YAMLNode] = []
            while true {
                var event = try next()
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return result
                case YAML_DOCUMENT_START_EVENT:
                    anchors = [:]
                    var first = try next()
                    if first.type == YAML_DOCUMENT_END_EVENT {
                        yaml_event_delete(&first)
                        continue
                    }
                    let node = try node(from: &first)
                    var end = try next()
                    yaml_event_delete(&end)
                    if !node.isNull { result.append(node) }
                default:
                    continue
                }
            }
        }
    }

    private func next() throws(YAMLError) -> yaml_event_t {
        var event = yaml_event_t()
        guard yaml_parser_parse(&parser, &event) == 1 else {
            let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
            let context = parser.context.map { String(cString: $0) + ": " } ?? ""
            let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            throw YAMLError(file: file, mark: mark, message: context + problem)
        }
        return event
    }

    /// Builds the node that starts with `event` (consumed by the caller's defer).
    private func node(from event: inout yaml_event_t) throws(YAMLError) -> YAMLNode {
        defer { yaml_event_delete(&event) }
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_ALIAS_EVENT:
            let name = String(cString: event.data.alias.anchor)
            guard let target = anchors[name] else {
                throw YAMLError(file: file, mark: mark, message: "unknown alias *\(name)")
            }
            return target
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let isPlain = scalar.style == YAML_PLAIN_SCALAR_STYLE && scalar.tag == nil
            let node = YAMLNode(.scalar(text, isPlain: isPlain), mark: mark)
            remember(scalar.anchor, node)
            return node
        case YAML_SEQUENCE_START_EVENT:
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            var items: [YAMLNode] = []
            while true {
                var child = try next()
                if child.type == YAML_SEQUENCE_END_EVENT {
                    yaml_event_delete(&child)
                    break
                }
                items.append(try node(from: &child))
            }
            let node = YAMLNode(.sequence(items), mark: mark)
            if let anchor { anchors[anchor] = node }
            return node
        case YAML_MAPPING_START_EVENT:
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            var entries: [(key: String, keyMark: YAMLMark, value: YAMLNode)] = []
            while true {
                var keyEvent = try next()
                if keyEvent.type == YAML_MAPPING_END_EVENT {
                    yaml_event_delete(&keyEvent)
                    break
                }
                let key = try node(from: &keyEvent)
                guard let keyText = key.scalar else {
                    throw YAMLError(file: file, mark: key.mark, message: "mapping keys must be scalars")
                }
                var valueEvent = try next()
                let value = try node(from: &valueEvent)
                if keyText == "<<", case .mapping(let merged) = value.content {
                    for entry in merged where !entries.contains(where: { $0.key == entry.key }) {
                        entries.append(entry)
                    }
                    continue
                }
                if entries.contains(where: { $0.key == keyText }) {
                    throw YAMLError(file: file, mark: key.mark, message: "duplicate key '\(keyText)'")
                }
                entries.append((keyText, key.mark, value))
            }
            let node = YAMLNode(.mapping(entries), mark: mark)
            if let anchor { anchors[anchor] = node }
            return node
        default:
            throw YAMLError(file: file, mark: mark, message: "unexpected YAML event")
        }
    }

    private func remember(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ node: YAMLNode) {
        guard let anchor else { return }
        anchors[String(cString: anchor)] = node
    }
}
