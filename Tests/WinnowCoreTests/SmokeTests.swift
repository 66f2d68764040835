import XCTest
@testable import WinnowCore
final class SmokeTests: XCTestCase { func testVersion() { XCTAssertFalse(WinnowCore.version.isEmpty) } }
