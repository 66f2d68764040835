import XCTest
final class TUISmokeTests: XCTestCase { func testNothing() {} }
