import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class JSONParserTests: XCTestCase {
    private func syntaxError(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> JSONParser.SyntaxError? {
        do {
            let value = try JSONParser.parse(Data(bytes))
            XCTFail("parsed as \(value)", file: file, line: line)
            return nil
        } catch {
            // Offsets and messages are compared here; the path has its own test.
            var plain = error
            plain.path = nil
            return plain
        }
    }

    func testErrorsNameThePathToTheBadValue() {
        func path(_ text: String) -> String? {
            do {
                _ = try JSONParser.parse(text)
                return "parsed"
            } catch {
                return error.path
            }
        }
        XCTAssertEqual(path(#"{"conversations": [{"from": "human"}, {"value": tru}]}"#), "conversations[1].value")
        XCTAssertEqual(path(#"[1, [2, {"a": {"b": [nul]}}]]"#), "[1][1].a.b[0]")
        XCTAssertEqual(path(#"{"a": "x\q"}"#), "a")
        XCTAssertNil(path("nul"))
        XCTAssertNil(path(#"{"a": 1,}"#), "a bad key is reported at the object, not inside a member")
    }

    private func syntaxError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> JSONParser.SyntaxError? {
        syntaxError(text.bytes, file: file, line: line)
    }

    // MARK: values

    func testParsesEveryValueType() throws {
        let value = try JSONParser.parse(#" {"n": null, "t": true, "f": false, "i": -12, "d": 3.25e+2, "s": "x y", "a": [1, "b", []], "o": {}} "#)
        XCTAssertEqual(value, .object(JSONObject([
            "n": .null, "t": .bool(true), "f": .bool(false), "i": .number("-12"), "d": .number("3.25e+2"),
            "s": .string("x y"), "a": .array([.number("1"), .string("b"), .array([])]), "o": .object(JSONObject()),
        ])))
    }

    func testTopLevelScalarsParse() throws {
        XCTAssertEqual(try JSONParser.parse("null"), .null)
        XCTAssertEqual(try JSONParser.parse(" true\n"), .bool(true))
        XCTAssertEqual(try JSONParser.parse("0"), .number("0"))
        XCTAssertEqual(try JSONParser.parse(#""""#), .string(""))
    }

    func testObjectMembersKeepDocumentOrder() throws {
        let object = try XCTUnwrap(JSONParser.parse(#"{"z": 1, "a": 2, "m": 3}"#).objectValue)
        XCTAssertEqual(object.keys, ["z", "a", "m"])
        XCTAssertEqual(JSONValue.object(object).serialized(), #"{"z":1,"a":2,"m":3}"#)
    }

    func testNumberLiteralTextIsPreserved() throws {
        let text = "[1.0,1e5,-0,0.10,1E-7,12345678901234567890123,-3.14159265358979323846]"
        let value = try JSONParser.parse(text)
        XCTAssertEqual(value.arrayValue?.first, .number("1.0"))
        XCTAssertEqual(value.arrayValue?[4], .number("1E-7"))
        XCTAssertEqual(value.serialized(), text)
    }

    func testNumbersFromDoublesPrintIntegralValuesWithoutFraction() {
        XCTAssertEqual(JSONValue.number(3.0), .number("3"))
        XCTAssertEqual(JSONValue.number(-2.5), .number("-2.5"))
        XCTAssertEqual(JSONValue.number(Double.nan).serialized(), "null")
    }

    func testEscapesAreDecoded() throws {
        let value = try JSONParser.parse(#""q\" b\\ s\/ \b\f\n\r\t \u0041\u00e9\u20AC""#)
        XCTAssertEqual(value, .string("q\" b\\ s/ \u{08}\u{0C}\n\r\t A\u{E9}\u{20AC}"))
    }

    func testSurrogatePairBecomesOneScalar() throws {
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertEqual(try JSONParser.parse(#""a\uD83C\uDF1Eb""#), .string("a🌞b"))
    }

    func testLoneSurrogatesBecomeReplacementCharacter() throws {
        XCTAssertEqual(try JSONParser.parse(#""\ud83dx""#), .string("\u{FFFD}x"), "high surrogate without a low one")
        XCTAssertEqual(try JSONParser.parse(#""\ude00""#), .string("\u{FFFD}"), "low surrogate alone")
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\u0041""#), .string("\u{FFFD}A"), "high surrogate followed by a non-surrogate escape")
        XCTAssertEqual(try JSONParser.parse(#""\ud83d""#), .string("\u{FFFD}"), "high surrogate at the end of the string")
    }

    func testRawNonASCIIIsKept() throws {
        XCTAssertEqual(try JSONParser.parse("\"é 日本 😀 \u{202E}x\""), .string("é 日本 😀 \u{202E}x"))
    }

    // MARK: serialization

    func testSerializedEscapesControlCharactersExactly() {
        let value = JSONValue.string("a\u{0}b\u{1F}\u{7F}\u{80}\u{85}\u{9F}\u{A0}\u{2028}\u{2029}\"\\\n\r\t\u{08}\u{0C}/é😀")
        XCTAssertEqual(value.serialized(), #""a\u0000b\u001f\u007f\u0080\u0085\u009f"# + "\u{A0}" + #"\u2028\u2029\"\\\n\r\t\b\f/"# + "é😀\"")
    }

    func testSerializedNeverContainsARawControlCharacterAndRoundTrips() throws {
        var scalars: [Unicode.Scalar] = []
        for v in UInt32(0)...0x20 { scalars.append(Unicode.Scalar(v)!) }
        for v in UInt32(0x7F)...0xA0 { scalars.append(Unicode.Scalar(v)!) }
        scalars += ["\u{2028}", "\u{2029}", "\u{202E}", "\u{FEFF}", "\u{10FFFF}"]
        for scalar in scalars {
            let value = JSONValue.string("x" + String(Character(scalar)) + "y")
            let text = value.serialized()
            let mustEscape = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
            XCTAssertEqual(text.unicodeScalars.contains(scalar), !mustEscape, "U+\(String(scalar.value, radix: 16)) in \(text.debugDescription)")
            XCTAssertEqual(try JSONParser.parse(text), value, "round trip of U+\(String(scalar.value, radix: 16))")
        }
    }

    func testSerializedRoundTripsANestedValueByteForByte() throws {
        let text = #"{"id":"a\u0000b","n":[1.50,-0,2e10],"o":{"z":null,"a":[true,false,{}]},"s":"é\u2028\ud83d\ude00"}"#
        let value = try JSONParser.parse(text)
        let once = value.serialized()
        XCTAssertEqual(try JSONParser.parse(once), value)
        XCTAssertEqual(try JSONParser.parse(once).serialized(), once, "serializing is deterministic")
        XCTAssertEqual(once, #"{"id":"a\u0000b","n":[1.50,-0,2e10],"o":{"z":null,"a":[true,false,{}]},"s":"é\u2028😀"}"#)
    }

    // MARK: errors and positions

    func testErrorsGiveTheOffsetOfTheProblem() {
        XCTAssertEqual(syntaxError(#"{"a":1,}"#), .init(offset: 7, message: "unexpected '}', expected a quoted key"))
        XCTAssertEqual(syntaxError("[1 2]"), .init(offset: 3, message: "unexpected '2', expected ',' or ']' in a list"))
        XCTAssertEqual(syntaxError(#"{"a" 1}"#), .init(offset: 5, message: #"unexpected '1', expected ':' after the key "a""#))
        XCTAssertEqual(syntaxError(#"{"a":1 "b":2}"#), .init(offset: 7, message: "unexpected '\"', expected ',' or '}' in an object"))
        XCTAssertEqual(syntaxError("[nul]"), .init(offset: 1, message: "invalid literal, expected null"))
        XCTAssertEqual(syntaxError("[01]"), .init(offset: 2, message: "unexpected '1', expected ',' or ']' in a list"))
        XCTAssertEqual(syntaxError("1 x"), .init(offset: 2, message: "unexpected text after the JSON value"))
        XCTAssertEqual(syntaxError("[+1]"), .init(offset: 1, message: "unexpected '+', expected a JSON value"))
        XCTAssertEqual(syntaxError(#""\x""#), .init(offset: 1, message: "invalid escape \\x"))
        XCTAssertEqual(syntaxError(#""\u12G4""#), .init(offset: 1, message: "invalid \\u escape"))
        XCTAssertEqual(syntaxError("'a'"), .init(offset: 0, message: "unexpected ''', expected a JSON value"))
    }

    func testTruncatedInputIsAnErrorAtTheEnd() {
        XCTAssertEqual(syntaxError(""), .init(offset: 0, message: "unexpected end of file"))
        XCTAssertEqual(syntaxError("   "), .init(offset: 3, message: "unexpected end of file"))
        XCTAssertEqual(syntaxError("[1, 2"), .init(offset: 5, message: "unexpected end of file, expected ',' or ']' in a list"))
        XCTAssertEqual(syntaxError("[1,"), .init(offset: 3, message: "unexpected end of file"))
        XCTAssertEqual(syntaxError(#"{"a""#), .init(offset: 4, message: #"unexpected end of file, expected ':' after the key "a""#))
        XCTAssertEqual(syntaxError(#"{"a":"#), .init(offset: 5, message: "unexpected end of file"))
        XCTAssertEqual(syntaxError(#"{"a":1,"#), .init(offset: 7, message: "unexpected end of file inside an object"))
        XCTAssertEqual(syntaxError(#"["abc"#), .init(offset: 1, message: "unterminated string"))
        XCTAssertEqual(syntaxError(#"["ab\n"#), .init(offset: 1, message: "unterminated string"), "unterminated after an escape")
        XCTAssertEqual(syntaxError(#""ab\"#), .init(offset: 0, message: "unterminated string"), "ends on a backslash")
        XCTAssertEqual(syntaxError("tr"), .init(offset: 0, message: "unexpected end of file"))
        XCTAssertEqual(syntaxError("-"), .init(offset: 1, message: "invalid number"))
        XCTAssertEqual(syntaxError("1."), .init(offset: 2, message: "invalid number: digits expected after '.'"))
        XCTAssertEqual(syntaxError("1e+"), .init(offset: 3, message: "invalid number: digits expected in the exponent"))
        XCTAssertEqual(syntaxError(#""\u12""#), .init(offset: 1, message: "invalid \\u escape"))
    }

    func testLineAndColumnAreOneBasedAndCountCharactersNotBytes() throws {
        // Line 2 is `  "é😀": tru`: 't' is the 9th character but the 12th byte of the line.
        let text = "{\n  \"é😀\": tru\n}"
        let error = try XCTUnwrap(syntaxError(text))
        XCTAssertEqual(error, .init(offset: 14, message: "invalid literal, expected true"))
        let position = text.bytes.withUnsafeBytes { TextPosition.lineAndColumn(of: error.offset, in: $0) }
        XCTAssertEqual(position.line, 2)
        XCTAssertEqual(position.column, 9)
    }

    func testLineAndColumnAtStartAndAfterNewlines() {
        let bytes = "ab\nc日\n\nx".bytes
        func at(_ offset: Int) -> [Int] {
            let p = bytes.withUnsafeBytes { TextPosition.lineAndColumn(of: offset, in: $0) }
            return [p.line, p.column]
        }
        XCTAssertEqual(at(0), [1, 1])
        XCTAssertEqual(at(2), [1, 3], "the newline itself is on line 1")
        XCTAssertEqual(at(3), [2, 1])
        XCTAssertEqual(at(7), [2, 3], "after a 3-byte character")
        XCTAssertEqual(at(8), [3, 1])
        XCTAssertEqual(at(9), [4, 1])
        XCTAssertEqual(at(1000), [4, 2], "an offset past the end is clamped to the end")
    }

    func testInvalidUTF8InAStringIsAnErrorAtTheBadByte() {
        // [ " a 0xFF " ]
        XCTAssertEqual(syntaxError([0x5B, 0x22, 0x61, 0xFF, 0x22, 0x5D]), .init(offset: 3, message: "invalid UTF-8 in a string"))
        // A Latin-1 é (0xE9) followed by ASCII is a lead byte without its continuation bytes.
        XCTAssertEqual(syntaxError([0x22, 0x44, 0xE9, 0x63, 0x22]), .init(offset: 2, message: "invalid UTF-8 in a string"))
        // An overlong encoding of '/' and a truncated sequence at the end of the string.
        XCTAssertEqual(syntaxError([0x22, 0xC0, 0xAF, 0x22]), .init(offset: 1, message: "invalid UTF-8 in a string"))
        XCTAssertEqual(syntaxError([0x22, 0x61, 0xE2, 0x82, 0x22]), .init(offset: 2, message: "invalid UTF-8 in a string"))
    }

    func testInvalidUTF8OutsideAStringIsAnError() {
        XCTAssertEqual(syntaxError([0x5B, 0xFF, 0x5D]), .init(offset: 1, message: "unexpected byte 0xFF, expected a JSON value"))
    }

    func testInvalidUTF8AfterAnEscapeIsAnError() throws {
        // [ " \ n 0xE9 " ]
        let error = try XCTUnwrap(syntaxError([0x5B, 0x22, 0x5C, 0x6E, 0xE9, 0x22, 0x5D]))
        XCTAssertEqual(error.message, "invalid UTF-8 in a string")
    }

    func testInvalidUTF8AfterAnEscapeIsReportedAtTheBadByte() throws {
        // [ " \ n 0xE9 " ]: the bad byte is at offset 4, as it would be without the escape.
        let error = try XCTUnwrap(syntaxError([0x5B, 0x22, 0x5C, 0x6E, 0xE9, 0x22, 0x5D]))
        if error.offset != 4 {
            return XCTFail("JSONParser.parseString reports invalid UTF-8 after an escape at the string's start (offset \(error.offset)), not at the bad byte (offset 4)")
        }
        XCTAssertEqual(error.offset, 4)
    }

    func testRawControlCharacterInAStringIsAnError() {
        XCTAssertEqual(syntaxError([0x5B, 0x22, 0x61, 0x09, 0x62, 0x22, 0x5D]),
                       .init(offset: 3, message: "raw control character byte 0x09 in a string (write it as \\u escape)"))
        XCTAssertEqual(syntaxError([0x22, 0x0A, 0x22]),
                       .init(offset: 1, message: "raw control character byte 0x0A in a string (write it as \\u escape)"))
        // After an escape the slow path must refuse it too: " \ n 0x00 "
        XCTAssertEqual(syntaxError([0x22, 0x5C, 0x6E, 0x00, 0x22]),
                       .init(offset: 3, message: "raw control character byte 0x00 in a string (write it as \\u escape)"))
    }

    // MARK: nesting

    private func nestedArrays(_ depth: Int, inner: String) -> String {
        String(repeating: "[", count: depth) + inner + String(repeating: "]", count: depth)
    }

    func testNestingUpToTheMaximumDepthParses() throws {
        let depth = JSONParser.maximumDepth
        var value = try JSONParser.parse(nestedArrays(depth, inner: "1"))
        var levels = 0
        while let inner = value.arrayValue?.first {
            levels += 1
            value = inner
        }
        XCTAssertEqual(levels, depth)
        XCTAssertEqual(value, .number("1"))
        let objects = String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)
        XCTAssertNoThrow(try JSONParser.parse(objects))
    }

    func testNestingDeeperThanTheMaximumIsAnError() {
        let depth = JSONParser.maximumDepth + 1
        // Reported at the bracket that opens one level too many.
        XCTAssertEqual(syntaxError(nestedArrays(depth, inner: "1")),
                       .init(offset: depth - 1, message: "nesting deeper than \(JSONParser.maximumDepth) levels"))
    }

    func testEmptyContainersDeeperThanTheMaximumAreAnError() throws {
        let depth = JSONParser.maximumDepth + 1
        do {
            _ = try JSONParser.parse(nestedArrays(depth, inner: ""))
        } catch {
            XCTAssertEqual(error.message, "nesting deeper than \(JSONParser.maximumDepth) levels")
            return
        }
        return XCTFail("JSONParser accepts \(depth) nested empty lists ('[' × \(depth) then ']' × \(depth)) although \(depth) levels is deeper than maximumDepth \(JSONParser.maximumDepth); the depth check only fires when a value is parsed inside the deepest container")
    }

    func testVeryDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 200_000)
        XCTAssertEqual(syntaxError(deep)?.message, "nesting deeper than \(JSONParser.maximumDepth) levels")
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000)
        XCTAssertEqual(syntaxError(deepObjects)?.message, "nesting deeper than \(JSONParser.maximumDepth) levels")
    }

    func testRepeatedKeysAreAnErrorAtTheSecondKeyInSmallAndLargeObjects() throws {
        XCTAssertThrowsError(try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)) { error in
            let e = error as! JSONParser.SyntaxError
            XCTAssertEqual(e.offset, 17)
            XCTAssertEqual(e.message, #"the key "a" appears twice in this object; keep one"#)
        }
        let many = (0..<40).map { #""k\#($0)": \#($0)"# }
        XCTAssertNoThrow(try JSONParser.parse("{" + many.joined(separator: ", ") + "}"))
        XCTAssertThrowsError(try JSONParser.parse("{" + (many + [#""k3": 0"#]).joined(separator: ", ") + "}")) { error in
            XCTAssertTrue((error as! JSONParser.SyntaxError).message.contains(#""k3" appears twice"#))
        }
        // The same key in different objects is fine.
        XCTAssertNoThrow(try JSONParser.parse(#"[{"a": 1}, {"a": 2, "b": {"a": 3}}]"#))
    }
}
