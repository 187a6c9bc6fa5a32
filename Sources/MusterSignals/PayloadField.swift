internal import Foundation
internal import MusterModel

/// A value inside a payload together with its dotted path, so that every error names the field.
struct PayloadField {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "") {
        self.value = value
        self.path = path
    }

    private func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member at `key`, or nil when absent or null. Scalar readers use it directly: a member's path is
    /// spelled out only for an error (building it for every field showed in the intake's profile).
    private func memberValue(_ key: String) throws(DecodeError) -> JSONValue? {
        guard case .object(let members) = value else {
            throw .invalid(path, "expected an object")
        }
        guard let member = members[key], !member.isNull else { return nil }
        return member
    }

    /// The member at `key`, or nil when absent or null.
    func optional(_ key: String) throws(DecodeError) -> PayloadField? {
        try memberValue(key).map { PayloadField($0, path: childPath(key)) }
    }

    /// The member at `key`; throws `missingField` naming its path when absent or null.
    func required(_ key: String) throws(DecodeError) -> PayloadField {
        guard let field = try optional(key) else { throw .missing(childPath(key)) }
        return field
    }

    /// The text of a scalar member; numbers and Booleans are rendered (YAML may type `"4"` as `4`).
    func string(_ key: String) throws(DecodeError) -> String {
        guard let member = try memberValue(key) else { throw .missing(childPath(key)) }
        guard let text = member.stringValue else { throw .invalid(childPath(key), "expected a string") }
        return text
    }

    /// The text of a scalar member, or nil when absent; empty strings count as absent.
    func optionalString(_ key: String) throws(DecodeError) -> String? {
        guard let member = try memberValue(key) else { return nil }
        guard let text = member.stringValue else { throw .invalid(childPath(key), "expected a string") }
        return text.isEmpty ? nil : text
    }

    /// An RFC 3339 timestamp member.
    func date(_ key: String) throws(DecodeError) -> Date {
        guard let member = try memberValue(key) else { throw .missing(childPath(key)) }
        return try parseDate(member, key: key)
    }

    /// An RFC 3339 timestamp member, or nil when absent.
    func optionalDate(_ key: String) throws(DecodeError) -> Date? {
        guard let member = try memberValue(key) else { return nil }
        return try parseDate(member, key: key)
    }

    private func parseDate(_ member: JSONValue, key: String) throws(DecodeError) -> Date {
        guard let text = member.stringValue else { throw .invalid(childPath(key), "expected an RFC 3339 timestamp") }
        guard let date = Timestamp.parse(text) else {
            throw .invalid(childPath(key), "'\(text)' is not an RFC 3339 timestamp")
        }
        return date
    }

    /// A `{string: scalar}` member as a label map; empty when absent.
    func labels(_ key: String) throws(DecodeError) -> [String: String] {
        guard let member = try memberValue(key) else { return [:] }
        guard case .object(let members) = member else { throw .invalid(childPath(key), "expected an object") }
        // Every sender's label values are strings: mapping them keeps the members' hash table, so no name is
        // hashed again (the intake decodes on the HTTP worker, where hashing showed in the profile).
        if members.values.allSatisfy(\.isString) { return members.mapValues { $0.stringValue ?? "" } }
        var labels: [String: String] = [:]
        for (name, member) in members where !member.isNull {
            guard let text = member.stringValue else {
                throw .invalid("\(childPath(key)).\(name)", "expected a string")
            }
            labels[name] = text
        }
        return labels
    }

    /// The elements of an array member, each with its indexed path.
    func elements(_ key: String) throws(DecodeError) -> [PayloadField] {
        let field = try required(key)
        guard case .array(let items) = field.value else { throw .invalid(field.path, "expected an array") }
        return items.enumerated().map { PayloadField($1, path: "\(field.path)[\($0)]") }
    }
}
