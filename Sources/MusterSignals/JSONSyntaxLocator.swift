/// Finds where a JSON text goes wrong, because Foundation's decoder on Linux does not say.
///
/// Runs only after a parse failed; a small recursive-descent validator that stops at the first error
/// and reports its 1-based line and column (columns count bytes).
struct JSONSyntaxLocator {
    struct Failure: Error {
        let offset: Int
        let message: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    /// The first syntax error in `bytes`: line, column and what was expected; nil when it is valid JSON.
    static func firstError(in bytes: [UInt8]) -> (line: Int, column: Int, message: String)? {
        var locator = JSONSyntaxLocator(bytes: bytes)
        do {
            try locator.value()
            locator.skipWhitespace()
            if locator.index < bytes.count {
                throw Failure(offset: locator.index, message: "unexpected text after the value")
            }
            return nil
        } catch let failure as Failure {
            let prefix = bytes.prefix(failure.offset)
            let line = prefix.filter { $0 == 10 }.count + 1
            let column = failure.offset - (prefix.lastIndex(of: 10).map { $0 + 1 } ?? 0) + 1
            return (line, column, failure.message)
        } catch {
            return nil
        }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipWhitespace() {
        while index < bytes.count, [9, 10, 13, 32].contains(bytes[index]) { index += 1 }
    }

    private func fail(_ message: String) -> Failure {
        Failure(offset: index, message: index < bytes.count ? message : "unexpected end of input")
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw fail(message) }
        index += 1
    }

    private mutating func value() throws {
        skipWhitespace()
        guard index < bytes.count else { throw fail("expected a value") }
        depth += 1
        defer { depth -= 1 }
        guard depth < 512 else { throw fail("nesting too deep") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try members(close: UInt8(ascii: "}"), isObject: true)
        case UInt8(ascii: "["): try members(close: UInt8(ascii: "]"), isObject: false)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): number()
        default: throw fail("expected a value")
        }
    }

    private mutating func members(close: UInt8, isObject: Bool) throws {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return
        }
        while true {
            if isObject {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                    throw fail("expected a quoted member name")
                }
                try string()
                try expect(UInt8(ascii: ":"), "expected ':' after the member name")
            }
            try value()
            skipWhitespace()
            guard index < bytes.count else { throw fail("") }
            if bytes[index] == close {
                index += 1
                return
            }
            try expect(UInt8(ascii: ","), isObject ? "expected ',' or '}'" : "expected ',' or ']'")
        }
    }

    private mutating func string() throws {
        let start = index
        index += 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"): index += 2
            case 0..<32: throw fail("control character in a string")
            default: index += 1
            }
        }
        throw Failure(offset: start, message: "unterminated string")
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw fail("expected a value")
        }
        index += expected.count
    }

    private mutating func number() {
        let allowed = Set("+-0123456789.eE".utf8)
        while index < bytes.count, allowed.contains(bytes[index]) { index += 1 }
    }
}
