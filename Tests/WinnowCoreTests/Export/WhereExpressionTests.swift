import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class WhereExpressionTests: XCTestCase {
    private func holds(_ text: String, _ values: [String: WhereExpression.Value]) throws -> Bool {
        try WhereExpression.parse(text).evaluate { values[$0] }
    }

    func testComparisonsAndBooleanOperatorsWithPrecedence() throws {
        let item: [String: WhereExpression.Value] = ["overall": .number(0.8), "hallucination": .flag(false), "type": .text("detail")]
        XCTAssertTrue(try holds("overall >= 0.7 and hallucination == false", item))
        XCTAssertFalse(try holds("overall > 0.8", item))
        XCTAssertTrue(try holds("overall < 0.5 or type == 'detail'", item))
        XCTAssertTrue(try holds("not (overall < 0.5 or hallucination == true)", item))
        // and binds tighter than or
        XCTAssertTrue(try holds("type == \"x\" and overall < 0 or overall > 0.5", item))
        XCTAssertFalse(try holds("type == \"x\" and (overall < 0 or overall > 0.5)", item))
        XCTAssertTrue(try holds("type != conversation", item), "a bare word is a string")
    }

    func testAMissingValueFailsEveryComparisonButNotEqual() throws {
        XCTAssertFalse(try holds("helpfulness >= 1", [:]))
        XCTAssertFalse(try holds("helpfulness == 1", [:]))
        XCTAssertTrue(try holds("helpfulness != 1", [:]))
    }

    func testErrorsPointAtTheColumn() {
        func error(_ text: String) -> WhereExpression.SyntaxError? {
            do {
                _ = try WhereExpression.parse(text)
                return nil
            } catch { return error }
        }
        XCTAssertEqual(error("overall >= and x")?.column, 12)
        XCTAssertEqual(error("overall >= and x")?.message, "expected a number, a quoted string, true or false after >=")
        XCTAssertEqual(error("overall => 1")?.column, 9)
        XCTAssertEqual(error("(overall > 1")?.message, "expected ')' to close the '(' at column 1")
        XCTAssertEqual(error("overall > 1 x")?.column, 13)
        XCTAssertEqual(error("overall")?.message, "expected a comparison operator (== != < <= > >=) after overall")
        XCTAssertEqual(error("type == 'open")?.message, "unterminated string")
        XCTAssertEqual(error("")?.message, "the expression ends early: expected a comparison")
        XCTAssertEqual(error("overall > 1")?.column, nil)
    }
}
