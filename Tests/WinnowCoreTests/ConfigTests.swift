import Foundation
import XCTest
@testable import WinnowCore
import WinnowTestSupport

final class ConfigTests: CoreTestCase {
    private var config: Config { get throws { Config(store: try store) } }

    func testEveryKeyHasItsDocumentedDefault() throws {
        let expected = [
            "idle_seconds": "60", "lease_seconds": "600", "refit_every_labels": "10", "refit_every_seconds": "60",
            "explore_fraction": "0.1", "overlap": "0", "min_annotators": "2", "seed": "0", "auto_accept_unanimous": "true",
            "control_fraction": "0", "control_min_agreement": "0.7",
        ]
        let entries = try config.list()
        XCTAssertEqual(entries.map(\.key.name), ["idle_seconds", "lease_seconds", "refit_every_labels", "refit_every_seconds",
                                                 "explore_fraction", "overlap", "min_annotators", "seed", "auto_accept_unanimous",
                                                 "control_fraction", "control_min_agreement"])
        for entry in entries {
            XCTAssertEqual(entry.value, expected[entry.key.name], entry.key.name)
            XCTAssertTrue(entry.isDefault, entry.key.name)
            XCTAssertEqual(try config.get(entry.key.name).value, expected[entry.key.name])
            XCTAssertFalse(entry.key.help.isEmpty)
        }
        XCTAssertEqual(try config.double(.exploreFraction), 0.1)
        XCTAssertEqual(try config.integer(.minAnnotators), 2)
        XCTAssertTrue(try config.bool(.autoAcceptUnanimous))
        XCTAssertEqual(try count("config"), 0, "defaults are not written")
    }

    func testSetValuesAreReadBackInCanonicalForm() throws {
        let cases: [(key: String, given: String, stored: String)] = [
            ("lease_seconds", "300", "300"),
            ("idle_seconds", "90.0", "90"),
            ("idle_seconds", "0.5", "0.5"),
            ("refit_every_labels", " 7 ", "7"),
            ("refit_every_seconds", "31536000", "31536000"),
            ("explore_fraction", "0.25", "0.25"),
            ("explore_fraction", "0", "0"),
            ("overlap", "1.0", "1"),
            ("min_annotators", "100", "100"),
            ("seed", "2147483647", "2147483647"),
            ("auto_accept_unanimous", "off", "false"),
            ("auto_accept_unanimous", " Yes ", "true"),
            ("control_fraction", "0.05", "0.05"),
        ]
        for c in cases {
            let entry = try config.set(c.key, c.given)
            XCTAssertEqual(entry.value, c.stored, "\(c.key) = \(c.given)")
            XCTAssertFalse(entry.isDefault)
            let read = try config.get(c.key)
            XCTAssertEqual(read.value, c.stored, "\(c.key) = \(c.given)")
            XCTAssertFalse(read.isDefault)
        }
        XCTAssertEqual(try config.integer(.leaseSeconds), 300)
        XCTAssertEqual(try config.double(.overlap), 1)
        XCTAssertEqual(try count("config"), 10, "one row per key set (idle_seconds, explore_fraction and auto_accept_unanimous twice), the last value wins")
        let listed = try config.list()
        XCTAssertEqual(listed.first { $0.key.name == "idle_seconds" }?.value, "0.5")
        XCTAssertEqual(listed.first { $0.key.name == "idle_seconds" }?.isDefault, false)
    }

    func testInvalidValuesAreRefusedWithTheAllowedRangeAndNothingChanges() throws {
        _ = try config.set("lease_seconds", "120")
        let before = try dumpRows()
        let cases: [(key: String, value: String, expected: String)] = [
            ("refit_every_labels", "0", "a whole number from 1 to 1000000"),
            ("refit_every_labels", "2.5", "a whole number from 1 to 1000000"),
            ("refit_every_labels", "ten", "a whole number from 1 to 1000000"),
            ("min_annotators", "1", "a whole number from 2 to 100"),
            ("min_annotators", "101", "a whole number from 2 to 100"),
            ("seed", "-1", "a whole number from 0 to 2147483647"),
            ("explore_fraction", "1.5", "a number from 0 to 1"),
            ("explore_fraction", "-0.1", "a number from 0 to 1"),
            ("overlap", "nan", "a number from 0 to 1"),
            ("overlap", "", "a number from 0 to 1"),
            ("auto_accept_unanimous", "maybe", "true or false"),
            ("control_min_agreement", "1.2", "a number from 0 to 1"),
            ("idle_seconds", "0", "a number of seconds above 0"),
            ("idle_seconds", "-5", "a number of seconds above 0"),
            ("lease_seconds", "inf", "a number of seconds above 0"),
            ("lease_seconds", "31536001", "a number of seconds above 0"),
            ("refit_every_seconds", "1 minute", "a number of seconds above 0"),
        ]
        for c in cases {
            XCTAssertThrowsError(try config.set(c.key, c.value), "\(c.key) = \(c.value)") { error in
                XCTAssertEqual(error as? ConfigError, .invalidValue(key: c.key, value: c.value, expected: c.expected))
                XCTAssertEqual("\(error)", "config key '\(c.key)': '\(c.value)' is not valid: expected \(c.expected)")
            }
        }
        XCTAssertEqual(try dumpRows(), before)
        XCTAssertEqual(try config.get("lease_seconds").value, "120")
    }

    func testUnknownKeysAreRefused() throws {
        let message = "unknown config key 'lease' (known keys: idle_seconds, lease_seconds, refit_every_labels, refit_every_seconds, explore_fraction, overlap, min_annotators, seed, auto_accept_unanimous, control_fraction, control_min_agreement)"
        XCTAssertThrowsError(try config.get("lease")) { error in
            XCTAssertEqual(error as? ConfigError, .unknownKey("lease"))
            XCTAssertEqual("\(error)", message)
        }
        XCTAssertThrowsError(try config.set("lease", "5")) { error in
            XCTAssertEqual("\(error)", message)
        }
        XCTAssertEqual(try count("config"), 0)
    }
}
