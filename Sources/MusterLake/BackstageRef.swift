internal import Foundation
internal import MusterModel
internal import MusterYAML

/// Backstage entity names and references, mapped onto lake refs.
///
/// Kinds map Component/Resource/API/System/Domain/Group/User onto service/resource/api/system/domain/team/user
/// (other kinds are lower-cased). Ids are lower-cased names (Backstage compares case-insensitively); a
/// namespace other than `default` is kept in the id as `namespace/name`.
enum BackstageRef {
    static let kinds: [String: String] = [
        "component": "service", "resource": "resource", "api": "api", "system": "system", "domain": "domain",
        "group": "team", "user": "user",
    ]

    /// The lake kind for a Backstage kind, nil for `Location`.
    static func lakeKind(_ backstageKind: String) -> String? {
        let lower = backstageKind.lowercased()
        if lower == "location" { return nil }
        return kinds[lower] ?? lower
    }

    static func ref(kind: String, namespace: String, name: String) -> EntityRef {
        let lowerNamespace = namespace.lowercased()
        let id = lowerNamespace == "default" ? name.lowercased() : "\(lowerNamespace)/\(name.lowercased())"
        return EntityRef(kind: lakeKind(kind) ?? kind.lowercased(), id: id)
    }

    /// Resolves `[kind:][namespace/]name` or `{kind, namespace, name}`; nil kind default means the ref must
    /// name its kind. Returns the reason on failure.
    static func resolve(_ node: YAMLNode, defaultKind: String?, namespace: String) -> Result<EntityRef, RefFailure> {
        if let text = node.scalar {
            var rest = Substring(text.trimmingCharacters(in: .whitespaces))
            var kind = defaultKind
            if let colon = rest.firstIndex(of: ":") {
                kind = String(rest[..<colon])
                rest = rest[rest.index(after: colon)...]
            }
            var space = namespace
            if let slash = rest.firstIndex(of: "/") {
                space = String(rest[..<slash])
                rest = rest[rest.index(after: slash)...]
            }
            guard let kind, !kind.isEmpty else {
                return .failure(RefFailure("'\(text)' must name its kind (like component:\(text))"))
            }
            guard !rest.isEmpty, !space.isEmpty else {
                return .failure(RefFailure("'\(text)' is not an entity reference"))
            }
            return .success(ref(kind: kind, namespace: space, name: String(rest)))
        }
        if node.mapping != nil {
            guard let name = node["name"]?.scalar, !name.isEmpty else {
                return .failure(RefFailure("a compound reference needs a name"))
            }
            guard let kind = node["kind"]?.scalar ?? defaultKind else {
                return .failure(RefFailure("the reference to '\(name)' must name its kind"))
            }
            return .success(ref(kind: kind, namespace: node["namespace"]?.scalar ?? namespace, name: name))
        }
        return .failure(RefFailure("expected an entity reference"))
    }

    /// Backstage's name rule: 1-63 characters, `[a-zA-Z0-9]` runs separated by one of `-`, `_`, `.`.
    static func isValidName(_ name: String) -> Bool {
        isValid(name, maxLength: 63, isWordCharacter: { $0.isASCII && ($0.isLetter || $0.isNumber) }, separators: "-_.")
    }

    /// Backstage's namespace rule: `[a-zA-Z0-9]` runs separated by `-`, at most 63 characters.
    static func isValidNamespace(_ name: String) -> Bool {
        isValid(name, maxLength: 63, isWordCharacter: { $0.isASCII && ($0.isLetter || $0.isNumber) }, separators: "-")
    }

    /// Backstage's tag rule: `[a-z0-9:+#]` runs separated by `-`, at most 63 characters.
    static func isValidTag(_ tag: String) -> Bool {
        isValid(
            tag, maxLength: 63,
            isWordCharacter: { ("a"..."z").contains($0) || ("0"..."9").contains($0) || ":+#".contains($0) },
            separators: "-")
    }

    private static func isValid(
        _ text: String, maxLength: Int, isWordCharacter: (Character) -> Bool, separators: String
    ) -> Bool {
        guard !text.isEmpty, text.count <= maxLength else { return false }
        var previousWasSeparator = true
        for character in text {
            if isWordCharacter(character) {
                previousWasSeparator = false
            } else if separators.contains(character), !previousWasSeparator {
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }
}

/// Why a Backstage reference did not resolve.
struct RefFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
