internal import Foundation
internal import MusterModel

/// Reads an Alertmanager webhook v4 body straight into alerts, without building a `JSONValue` tree first.
///
/// This is the intake's hot path: every Alertmanager delivery is decoded on an HTTP worker before it is
/// acknowledged, and a tree of Swift dictionaries costs an allocation and a hash per member, most of them for
/// fields Muster ignores. The reader takes only what it fully understands and answers nil otherwise, errors
/// included; the caller then decodes the body the generic way, which accepts the rest and names any problem.
/// Where it answers, it must agree with the generic path: both assemble alerts through ``AlertGroup``, and a
/// differential test compares them on generated bodies.
enum AlertmanagerBodyReader {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, receivedAt: Date) -> Delivery? {
        var reader = Reader(scanner: JSONScanner(bytes: bytes))
        return try? reader.delivery(receivedAt: receivedAt)
    }

    /// The members the reader knows; any other member is skipped.
    private enum Member {
        case version, commonLabels, commonAnnotations, groupKey, title, alerts
        case status, labels, annotations, startsAt, endsAt, fingerprint, generatorURL
        case other

        static let ofGroup: [(StaticString, Member)] = [
            ("version", .version), ("commonLabels", .commonLabels), ("commonAnnotations", .commonAnnotations),
            ("groupKey", .groupKey), ("title", .title), ("alerts", .alerts),
        ]
        static let ofAlert: [(StaticString, Member)] = [
            ("status", .status), ("labels", .labels), ("annotations", .annotations), ("startsAt", .startsAt),
            ("endsAt", .endsAt), ("fingerprint", .fingerprint), ("generatorURL", .generatorURL),
        ]

        static func named(_ name: UnsafeBufferPointer<UInt8>, in members: [(StaticString, Member)]) -> Member {
            for (word, member) in members
            where word.utf8CodeUnitCount == name.count && word.withUTF8Buffer({ $0.elementsEqual(name) }) {
                return member
            }
            return .other
        }
    }

    /// An `endsAt` as read: it matters, and must parse, only for a resolved alert.
    private enum End {
        case absent
        case date(Date)
        case unreadable
    }

    private struct Reader {
        var scanner: JSONScanner

        /// Anything the reader does not take: the generic path decides.
        func pass(_ reason: String) -> JSONParser.Failure { scanner.failure(reason) }

        mutating func delivery(receivedAt: Date) throws(JSONParser.Failure) -> Delivery {
            var version: String?
            var group = AlertGroup(source: .alertmanager, commonLabels: [:], commonAnnotations: [:])
            var items: [AlertGroup.Item]?
            try scanner.expect(UInt8(ascii: "{"), "expected an object")
            var isFirst = true
            while let member = try nextMember(of: Member.ofGroup, isFirst: &isFirst) {
                switch member {
                case .version: version = try optionalString()
                case .commonLabels: group.commonLabels = try labels()
                case .commonAnnotations: group.commonAnnotations = try labels()
                case .groupKey: group.key = try optionalString()
                case .title: group.title = try optionalString()
                case .alerts: items = try alerts()
                default: try scanner.skipValue(depth: 1)
                }
            }
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { throw pass("text after the body") }
            guard version == "4", let items else { throw pass("not an Alertmanager v4 group") }
            guard !items.isEmpty else { return AlertGroup.empty }
            return Delivery(alerts: items.map { group.alert($0, receivedAt: receivedAt) })
        }

        /// Moves to the next member of the object being read and names it; nil after the closing brace.
        mutating func nextMember(
            of members: [(StaticString, Member)], isFirst: inout Bool
        ) throws(JSONParser.Failure) -> Member? {
            if isFirst {
                isFirst = false
                if scanner.consume(UInt8(ascii: "}")) { return nil }
            } else if !scanner.consume(UInt8(ascii: ",")) {
                try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
                return nil
            }
            scanner.skipWhitespace()
            guard let name = scanner.plainString() else { throw pass("a member name with escapes") }
            try scanner.expect(UInt8(ascii: ":"), "expected ':'")
            scanner.skipWhitespace()
            return Member.named(name, in: members)
        }

        mutating func alerts() throws(JSONParser.Failure) -> [AlertGroup.Item] {
            try scanner.expect(UInt8(ascii: "["), "expected an array")
            var items: [AlertGroup.Item] = []
            if scanner.consume(UInt8(ascii: "]")) { return items }
            repeat { items.append(try item()) } while scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "]"), "expected ',' or ']'")
            return items
        }

        mutating func item() throws(JSONParser.Failure) -> AlertGroup.Item {
            var status: AlertStatus?
            var labels: [String: String] = [:]
            var annotations: [String: String] = [:]
            var startedAt: Date?
            var end = End.absent
            var fingerprint: String?
            var generatorURL: String?
            try scanner.expect(UInt8(ascii: "{"), "expected an object")
            var isFirst = true
            while let member = try nextMember(of: Member.ofAlert, isFirst: &isFirst) {
                switch member {
                case .status:
                    switch try optionalString() {
                    case "firing": status = .firing
                    case "resolved": status = .resolved
                    default: throw pass("an unknown status")
                    }
                case .labels: labels = try self.labels()
                case .annotations: annotations = try self.labels()
                case .startsAt:
                    guard scanner.next == UInt8(ascii: "\""), let date = try timestamp() else {
                        throw pass("startsAt is not an RFC 3339 timestamp")
                    }
                    startedAt = date
                case .endsAt: end = try self.end()
                case .fingerprint: fingerprint = try optionalString()
                case .generatorURL: generatorURL = try optionalString()
                default: try scanner.skipValue(depth: 3)
                }
            }
            guard let status, let startedAt else { throw pass("status or startsAt missing") }
            var endsAt: Date?
            if status == .resolved {
                switch end {
                case .absent: endsAt = nil
                case .date(let date): endsAt = date
                case .unreadable: throw pass("an unreadable endsAt")
                }
            }
            return AlertGroup.Item(
                status: status, labels: labels, annotations: annotations, startedAt: startedAt, endsAt: endsAt,
                fingerprint: fingerprint, generatorURL: generatorURL)
        }

        /// A string member, nil when null or empty (as the generic path reads optional strings).
        mutating func optionalString() throws(JSONParser.Failure) -> String? {
            switch scanner.next {
            case UInt8(ascii: "\""):
                let text = try scanner.string()
                return text.isEmpty ? nil : text
            case UInt8(ascii: "n"):
                try scanner.literal("null")
                return nil
            default: throw pass("a scalar that is not a string")
            }
        }

        /// The string that starts here read as an RFC 3339 timestamp; nil when it is not one.
        mutating func timestamp() throws(JSONParser.Failure) -> Date? {
            if let text = scanner.plainString() { return Timestamp.parse(utf8: text) }
            return Timestamp.parse(try scanner.string())
        }

        /// An `endsAt`: absent when null; anything but a timestamp is unreadable, which matters only when resolved.
        mutating func end() throws(JSONParser.Failure) -> End {
            switch scanner.next {
            case UInt8(ascii: "n"):
                try scanner.literal("null")
                return .absent
            case UInt8(ascii: "\""): return try timestamp().map { .date($0) } ?? .unreadable
            default:
                try scanner.skipValue(depth: 3)
                return .unreadable
            }
        }

        /// A `{string: string}` member; null members are left out, a null object is empty.
        mutating func labels() throws(JSONParser.Failure) -> [String: String] {
            if scanner.next == UInt8(ascii: "n") {
                try scanner.literal("null")
                return [:]
            }
            try scanner.expect(UInt8(ascii: "{"), "expected an object")
            if scanner.consume(UInt8(ascii: "}")) { return [:] }
            // Sized for a typical label set, so that filling it does not grow the table three times.
            var labels = [String: String](minimumCapacity: 8)
            repeat {
                scanner.skipWhitespace()
                guard scanner.next == UInt8(ascii: "\"") else { throw pass("expected a member name") }
                let name = try scanner.string()
                try scanner.expect(UInt8(ascii: ":"), "expected ':'")
                scanner.skipWhitespace()
                switch scanner.next {
                case UInt8(ascii: "\""): labels[name] = try scanner.string()
                case UInt8(ascii: "n"):
                    try scanner.literal("null")
                    labels[name] = nil
                default: throw pass("a label value that is not a string")
                }
            } while scanner.consume(UInt8(ascii: ","))
            try scanner.expect(UInt8(ascii: "}"), "expected ',' or '}'")
            return labels
        }
    }
}
