import Foundation
import MusterModel

/// JSON bodies and stored payloads: sorted keys, unescaped slashes, keys exactly as given (no snake_case pass).
enum JSONText {
    static func data(_ value: JSONValue) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A `JSONValue` holds only JSON types, so encoding fails only for a non-finite number, which no caller builds.
        return (try? encoder.encode(value)) ?? Data("null".utf8)
    }

    static func string(_ value: JSONValue) -> String {
        String(decoding: data(value), as: UTF8.self)
    }

    static func decode(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }
}
