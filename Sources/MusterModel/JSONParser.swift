/// A strict JSON (RFC 8259) parser into `JSONValue`, with 1-based line and column on errors.
///
/// Foundation's `JSONDecoder` can only reach an open-ended `JSONValue` by trying each type and catching
/// the failures, which costs hundreds of microseconds per alert body; this reads the bytes once.
public enum JSONParser {
    /// A syntax error at a position of the text.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "line \(line), column \(column): \(message)" }
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        let parsed = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(Failure) in try parse(buffer: buffer) }
        }
        if let parsed { return try parsed.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(Failure) in try parse(buffer: buffer) }
    }

    /// Reads the bytes in place: no copy of the text, and no bounds checks or reference counting per byte.
    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(Failure) -> JSONValue {
        var reader = Reader(scanner: JSONScanner(bytes: buffer))
        reader.members.reserveCapacity(32)
        reader.scanner.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.scanner.skipWhitespace()
        guard reader.scanner.isAtEnd else { throw reader.scanner.failure("unexpected text after the JSON value") }
        return value
    }

    /// Builds the tree from the scanner's tokens.
    private struct Reader {
        var scanner: JSONScanner
        /// The members of the objects being read, innermost last: one buffer for the whole text instead of an
        /// array per object.
        var members: [(key: String, value: JSONValue)] = []

        mutating func value(depth: Int) throws(Failure) -> JSONValue {
            guard depth < JSONScanner.depthLimit else {
                throw scanner.failure("nesting deeper than \(JSONScanner.depthLimit)")
            }
            guard let byte = scanner.next else { throw scanner.failure("unexpected end of input") }
            switch byte {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try scanner.string())
            case UInt8(ascii: "t"):
                try scanner.literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try scanner.literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try scanner.literal("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try scanner.number())
            default: throw scanner.failure("unexpected character '\(Character(Unicode.Scalar(byte)))'")
            }
        }

        mutating func object(depth: Int) throws(Failure) -> JSONValue {
            scanner.index += 1
            // Members are gathered first, so the dictionary is sized once and hashes each key once.
            let first = members.count
            if scanner.consume(UInt8(ascii: "}")) { return .object([:]) }
            while true {
                scanner.skipWhitespace()
                guard scanner.next == UInt8(ascii: "\"") else { throw scanner.failure("expected a quoted member name") }
                let key = try scanner.string()
                try scanner.expect(UInt8(ascii: ":"), "expected ':' after a key")
                scanner.skipWhitespace()
                let member = try value(depth: depth + 1)
                members.append((key, member))
                if scanner.consume(UInt8(ascii: ",")) { continue }
                guard scanner.consume(UInt8(ascii: "}")) else {
                    throw scanner.failure(
                        scanner.isAtEnd ? "unexpected end of input in an object" : "expected ',' or '}' in an object")
                }
                var object = [String: JSONValue](minimumCapacity: members.count - first)
                // Moved out from the end; a repeated key keeps its last value, which was moved out first.
                while members.count > first {
                    let member = members.removeLast()
                    if let later = object.updateValue(member.value, forKey: member.key) { object[member.key] = later }
                }
                return .object(object)
            }
        }

        mutating func array(depth: Int) throws(Failure) -> JSONValue {
            scanner.index += 1
            var items: [JSONValue] = []
            if scanner.consume(UInt8(ascii: "]")) { return .array(items) }
            while true {
                scanner.skipWhitespace()
                items.append(try value(depth: depth + 1))
                if scanner.consume(UInt8(ascii: ",")) { continue }
                guard scanner.consume(UInt8(ascii: "]")) else {
                    throw scanner.failure(
                        scanner.isAtEnd ? "unexpected end of input in an array" : "expected ',' or ']' in an array")
                }
                return .array(items)
            }
        }
    }
}
