import WinnowCore
import XCTest

/// Shared helpers for the rubric tests.
public enum RubricFixture {
    /// The package root, for the bundled `rubrics/`.
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static func bundled(_ name: String) -> String {
        packageRoot.appendingPathComponent("rubrics/\(name)").path
    }

    /// A rubric whose only criterion is `criterion` (YAML lines indented by four spaces, after
    /// `  - id: a`): the criterion's fields start on line 5.
    public static func oneCriterion(_ criterion: String) -> String {
        "name: t\nversion: 1\ncriteria:\n  - id: a\n" + criterion
    }

    public static func parse(_ yaml: String, file: String = "r.yaml") throws -> Rubric {
        try Rubric.parse(yaml: yaml, file: file)
    }

    /// The error `yaml` is refused with, as text; nil (and a test failure) if it is accepted.
    public static func error(_ yaml: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try Rubric.parse(yaml: yaml, file: "r.yaml")
            XCTFail("expected the rubric to be refused", file: file, line: line)
            return nil
        } catch {
            return error.description
        }
    }
}
