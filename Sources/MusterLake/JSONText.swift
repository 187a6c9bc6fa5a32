internal import MusterModel

/// A fast, allocation-light JSON writer for stored properties and relations (sorted keys, no whitespace).
enum JSONText {
    static func encode(_ value: JSONValue) -> String {
        var output = ""
        write(value, to: &output)
        return output
    }

    static func encode(_ relations: [String: [EntityRef]]) -> String {
        var output = "{"
        for (offset, entry) in relations.sorted(by: { $0.key < $1.key }).enumerated() {
            if offset > 0 { output += "," }
            writeString(entry.key, to: &output)
            output += ":["
            for (index, ref) in entry.value.enumerated() {
                if index > 0 { output += "," }
                writeString(ref.description, to: &output)
            }
            output += "]"
        }
        return output + "}"
    }

    static func write(_ value: JSONValue, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let number):
            if number.isFinite, number == number.rounded(), abs(number) < 1e15 {
                output += String(Int64(number))
            } else if number.isFinite {
                output += String(number)
            } else {
                output += "null"
            }
        case .string(let text): writeString(text, to: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                write(item, to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                writeString(key, to: &output)
                output += ":"
                if let member = members[key] { write(member, to: &output) }
            }
            output += "}"
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}
