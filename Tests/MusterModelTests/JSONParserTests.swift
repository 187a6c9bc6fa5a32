import Testing

@testable import MusterModel

struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(
            Array(#"{"a":[1,-2.5,3e2,true,false,null],"s":"q\"\\\/\n\u00e9\ud83d\ude00","o":{}}"#.utf8))
        #expect(value["a"] == .array([.number(1), .number(-2.5), .number(300), .bool(true), .bool(false), .null]))
        #expect(value["s"] == .string("q\"\\/\né😀"))
        #expect(value["o"] == .object([:]))
    }

    @Test func aRepeatedKeyKeepsItsLastValue() throws {
        let value = try JSONParser.parse(Array(#"{"k":1,"other":true,"k":2}"#.utf8))
        #expect(value == .object(["k": .number(2), "other": .bool(true)]))
    }

    @Test func keepsUnicodeAsIs() throws {
        #expect(try JSONParser.parse(Array(#"["Grüße — ok"]"#.utf8)) == .array([.string("Grüße — ok")]))
    }

    @Test(arguments: [
        ("01", "unexpected text after the JSON value"), ("[1,]", "unexpected character ']'"),
        ("{\"a\":1,}", "expected a quoted member name"), ("\"\\x\"", "invalid escape '\\x'"),
        ("\"\\ud800\"", "unpaired surrogate"), ("[1 2]", "expected ',' or ']' in an array"), ("-", "expected digits"),
        ("1.", "expected digits after '.'"), ("\"a\nb\"", "control character in a string"),
    ])
    func rejectsInvalidJSON(text: String, message: String) {
        #expect {
            _ = try JSONParser.parse(Array(text.utf8))
        } throws: { error in
            (error as? JSONParser.Failure)?.message == message
        }
    }

    @Test func reportsLineAndColumn() {
        #expect {
            _ = try JSONParser.parse(Array("{\n  \"a\": 1,\n  \"b\": nope\n}".utf8))
        } throws: { error in
            let failure = error as? JSONParser.Failure
            return failure?.line == 3 && failure?.column == 8
        }
    }
}
