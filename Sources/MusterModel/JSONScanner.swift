/// The token level of strict JSON (RFC 8259) over bytes read in place: whitespace, strings, numbers, literals,
/// and skipping a whole value while checking its syntax.
///
/// ``JSONParser`` builds a `JSONValue` tree with it. A decoder that knows the shape it expects can read the same
/// tokens straight into its own types and skip what it does not need, without building the tree.
package struct JSONScanner {
    package let bytes: UnsafeBufferPointer<UInt8>
    package var index = 0

    /// How deeply values may nest.
    package static let depthLimit = 512

    package init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    package var isAtEnd: Bool { index >= bytes.count }

    /// The next byte, without consuming it; nil at the end.
    package var next: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// A syntax error at the current position, with its 1-based line and column.
    package func failure(_ message: String) -> JSONParser.Failure {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == 10 {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParser.Failure(line: line, column: column, message: message)
    }

    package mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 32, 9, 10, 13: index += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then consumes `byte` when it is next.
    package mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Skips whitespace, then consumes `byte` or fails with `message`.
    package mutating func expect(_ byte: UInt8, _ message: @autoclosure () -> String) throws(JSONParser.Failure) {
        guard consume(byte) else { throw failure(message()) }
    }

    package mutating func literal(_ word: StaticString) throws(JSONParser.Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
            word.withUTF8Buffer({ $0.elementsEqual(bytes[index..<index + count]) })
        else { throw failure("expected '\(word)'") }
        index += count
    }

    /// The bytes of the string that starts here, when it has no escape, and moves past it; nil (without moving)
    /// when it has one. Object keys are compared this way, without a `String` of their own.
    package mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        var end = index + 1
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 32 {
            end += 1
        }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        defer { index = end + 1 }
        return UnsafeBufferPointer(rebasing: bytes[(index + 1)..<end])
    }

    /// The string that starts here (at its opening quote), unescaped.
    package mutating func string() throws(JSONParser.Failure) -> String {
        let opening = index
        index += 1
        // Most strings have no escape: take them straight from the input, without a buffer of their own.
        var end = index
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 32 {
            end += 1
        }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            defer { index = end + 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self)
        }
        var scalars = Array(bytes[index..<end])
        index = end
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                try escape(into: &scalars)
            case 0..<32:
                throw failure("control character in a string")
            default:
                scalars.append(byte)
                index += 1
            }
        }
        index = opening
        throw failure("unterminated string")
    }

    /// The escape after a backslash, appended as UTF-8.
    private mutating func escape(into scalars: inout [UInt8]) throws(JSONParser.Failure) {
        guard index < bytes.count else { throw failure("unfinished escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
        case UInt8(ascii: "b"): scalars.append(8)
        case UInt8(ascii: "f"): scalars.append(12)
        case UInt8(ascii: "n"): scalars.append(10)
        case UInt8(ascii: "r"): scalars.append(13)
        case UInt8(ascii: "t"): scalars.append(9)
        case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800...0xDBFF).contains(code) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else {
                    throw failure("unpaired surrogate")
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(code) else { throw failure("invalid \\u escape") }
            scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw failure("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
        }
    }

    private mutating func hex4() throws(JSONParser.Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("short \\u escape") }
        var value: UInt32 = 0
        for byte in bytes[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
            default: throw failure("invalid \\u escape")
            }
            value = value * 16 + digit
        }
        index += 4
        return value
    }

    /// The number that starts here.
    package mutating func number() throws(JSONParser.Failure) -> Double {
        let start = index
        try skipNumber()
        guard
            let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
        else {
            throw failure("invalid number")
        }
        return value
    }

    private mutating func skipNumber() throws(JSONParser.Failure) {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits(_ scanner: inout JSONScanner) -> Int {
            let from = scanner.index
            while scanner.index < scanner.bytes.count, (48...57).contains(scanner.bytes[scanner.index]) {
                scanner.index += 1
            }
            return scanner.index - from
        }
        guard index < bytes.count else { throw failure("expected digits") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits(&self) == 0 {
            throw failure("expected digits")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits(&self) > 0 else { throw failure("expected digits after '.'") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits(&self) > 0 else { throw failure("expected digits in the exponent") }
        }
    }

    /// Moves past the value that starts here (after whitespace), checking its syntax as ``JSONParser`` would.
    package mutating func skipValue(depth: Int = 0) throws(JSONParser.Failure) {
        skipWhitespace()
        guard depth < Self.depthLimit else { throw failure("nesting deeper than \(Self.depthLimit)") }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            if consume(UInt8(ascii: "}")) { return }
            repeat {
                skipWhitespace()
                guard next == UInt8(ascii: "\"") else { throw failure("expected a quoted member name") }
                if plainString() == nil { _ = try string() }
                try expect(UInt8(ascii: ":"), "expected ':' after a key")
                try skipValue(depth: depth + 1)
            } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
        case UInt8(ascii: "["):
            index += 1
            if consume(UInt8(ascii: "]")) { return }
            repeat { try skipValue(depth: depth + 1) } while consume(UInt8(ascii: ","))
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
        case UInt8(ascii: "\""): if plainString() == nil { _ = try string() }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw failure("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }
}
