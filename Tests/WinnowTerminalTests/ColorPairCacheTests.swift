import XCTest

import WinnowTUI
@testable import WinnowTerminal

final class ColorPairCacheTests: XCTestCase {
    func testDefaultCoupleIsPairZeroAndUsesNoSlot() {
        var cache = ColorPairCache(capacity: 1)
        XCTAssertEqual(cache.pair(foreground: -1, background: -1), .init(pair: 0, isNew: false))
        XCTAssertEqual(cache.count, 0)
    }

    func testCouplesAreAllocatedOnceAndReused() {
        var cache = ColorPairCache(capacity: 10)
        XCTAssertEqual(cache.pair(foreground: 1, background: 2), .init(pair: 1, isNew: true))
        XCTAssertEqual(cache.pair(foreground: 3, background: -1), .init(pair: 2, isNew: true))
        XCTAssertEqual(cache.pair(foreground: 1, background: 2), .init(pair: 1, isNew: false))
    }

    func testFullCacheRefusesInsteadOfRecycling() {
        var cache = ColorPairCache(capacity: 2)
        _ = cache.pair(foreground: 1, background: 1)
        _ = cache.pair(foreground: 2, background: 2)
        XCTAssertTrue(cache.isFull)
        XCTAssertNil(cache.pair(foreground: 3, background: 3))
        XCTAssertEqual(cache.pair(foreground: 2, background: 2), .init(pair: 2, isNew: false))
    }

    func testResetStartsNumberingAgain() {
        var cache = ColorPairCache(capacity: 2)
        _ = cache.pair(foreground: 1, background: 1)
        _ = cache.pair(foreground: 2, background: 2)
        cache.reset()
        XCTAssertEqual(cache.pair(foreground: 3, background: 3), .init(pair: 1, isNew: true))
    }
}
