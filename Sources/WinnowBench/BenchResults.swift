import Foundation
import WinnowCore

/// The figures of one `winnow bench` run. A figure that was not measured (its feature is not built, or a
/// tool it needs is missing) is nil: "not available" in the table, `null` in JSON — never a made-up number.
public struct BenchResults: Sendable, Equatable {
    public var items: Int
    public var runs: Int
    public var importWinnowSeconds: Double?
    public var importPythonSeconds: Double?
    public var firstItemSeconds: Double?
    public var saveNextMs: Percentiles?
    public var keyToFrameMs: Percentiles?
    public var keyToFrameDuringRefitP99Ms: Double?
    public var refitSeconds: Double?
    public var exportSeconds: Double?
    public var exportPythonSeconds: Double?
    /// The first feature computation for the whole pool (not part of refit_s).
    public var featureSeconds: Double?
    /// Peak resident memory per step, in the order the steps ran.
    public var peakRSSMB: [(step: String, mb: Double?)] = []
    /// Figures shown in the table for context but not part of the JSON (data size, feature time, …).
    public var context: [(name: String, value: String)] = []

    public struct Percentiles: Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        public init(p50: Double, p99: Double) {
            self.p50 = p50
            self.p99 = p99
        }
    }

    public init(items: Int, runs: Int) {
        self.items = items
        self.runs = runs
    }

    public static func == (a: BenchResults, b: BenchResults) -> Bool {
        a.json().serialized() == b.json().serialized()
    }

    /// Winnow's import speed relative to the plain-Python baseline (python / winnow); above 1 is faster.
    public var importRatio: Double? {
        guard let w = importWinnowSeconds, let p = importPythonSeconds, w > 0 else { return nil }
        return p / w
    }

    /// Winnow's export speed relative to the plain-Python export (python / winnow).
    public var exportRatio: Double? {
        guard let w = exportSeconds, let p = exportPythonSeconds, w > 0 else { return nil }
        return p / w
    }

    /// The export's time over the import's: at most 1 means exporting everything is no slower than importing it.
    public var exportOverImport: Double? {
        guard let e = exportSeconds, let i = importWinnowSeconds, i > 0 else { return nil }
        return e / i
    }

    public enum Targets {
        public static let importRatio = 3.0
        public static let firstItemSeconds = 0.2
        public static let saveNextP99Ms = 2.0
        public static let keyToFrameP99Ms = 16.0
        public static let refitSeconds = 2.0
        public static let exportRatio = 3.0
        public static let exportOverImport = 1.0
    }

    // MARK: JSON

    /// `{"items", "runs", "import": {"winnow_s", "python_s", "ratio"}, "first_item_s", "save_next_ms": {"p50", "p99"},
    /// "key_to_frame_ms": {"p50", "p99", "p99_during_refit"}, "refit_s", "features_s", "export": {"winnow_s", "python_s", "ratio",
    /// "over_import"}, "peak_rss_mb": {STEP: MB}}`.
    public func json() -> JSONValue {
        func num(_ v: Double?, _ places: Int) -> JSONValue { v.map { .number(BenchResults.round($0, places)) } ?? .null }
        return .object(JSONObject([
            "items": .number(items),
            "runs": .number(runs),
            "import": .object(JSONObject([
                "winnow_s": num(importWinnowSeconds, 3), "python_s": num(importPythonSeconds, 3), "ratio": num(importRatio, 2),
            ])),
            "first_item_s": num(firstItemSeconds, 4),
            "save_next_ms": .object(JSONObject(["p50": num(saveNextMs?.p50, 3), "p99": num(saveNextMs?.p99, 3)])),
            "key_to_frame_ms": .object(JSONObject([
                "p50": num(keyToFrameMs?.p50, 3), "p99": num(keyToFrameMs?.p99, 3), "p99_during_refit": num(keyToFrameDuringRefitP99Ms, 3),
            ])),
            "refit_s": num(refitSeconds, 3),
            "features_s": num(featureSeconds, 2),
            "export": .object(JSONObject([
                "winnow_s": num(exportSeconds, 3), "python_s": num(exportPythonSeconds, 3), "ratio": num(exportRatio, 2),
                "over_import": num(exportOverImport, 2),
            ])),
            "peak_rss_mb": .object(JSONObject(peakRSSMB.map { JSONObject.Member(key: $0.step, value: num($0.mb, 1)) })),
        ]))
    }

    // MARK: text

    /// The table: each figure, its target and whether it passes.
    public func table() -> String {
        var rows: [(String, String, String, String)] = []
        func row(_ name: String, _ value: Double?, _ unit: String, places: Int, target: String = "", pass: ((Double) -> Bool)? = nil) {
            guard let value else {
                rows.append((name, "not available", target, ""))
                return
            }
            let verdict = pass.map { $0(value) ? "pass" : "FAIL" } ?? ""
            rows.append((name, String(format: "%.\(places)f", value) + unit, target, verdict))
        }
        row("import: winnow", importWinnowSeconds, " s", places: 2)
        row("import: python baseline", importPythonSeconds, " s", places: 2)
        row("import: ratio (python / winnow)", importRatio, "x", places: 2, target: ">= 3", pass: { $0 >= Targets.importRatio })
        row("first_item_s", firstItemSeconds, " s", places: 3, target: "< 0.2 s", pass: { $0 < Targets.firstItemSeconds })
        row("save_next_ms p50", saveNextMs?.p50, " ms", places: 3)
        row("save_next_ms p99", saveNextMs?.p99, " ms", places: 3, target: "<= 2 ms", pass: { $0 <= Targets.saveNextP99Ms })
        row("key_to_frame_ms p50", keyToFrameMs?.p50, " ms", places: 3)
        row("key_to_frame_ms p99", keyToFrameMs?.p99, " ms", places: 3, target: "< 16 ms", pass: { $0 < Targets.keyToFrameP99Ms })
        row("key_to_frame_ms p99 during refit", keyToFrameDuringRefitP99Ms, " ms", places: 3, target: "< 16 ms", pass: { $0 < Targets.keyToFrameP99Ms })
        row("refit_s (refit + re-rank)", refitSeconds, " s", places: 3, target: "< 2 s", pass: { $0 < Targets.refitSeconds })
        row("features_s (first computation, all items)", featureSeconds, " s", places: 2)
        row("export: winnow (llava, all items)", exportSeconds, " s", places: 2)
        row("export: python baseline", exportPythonSeconds, " s", places: 2)
        row("export: ratio (python / winnow)", exportRatio, "x", places: 2, target: ">= 3", pass: { $0 >= Targets.exportRatio })
        row("export: time over the import's", exportOverImport, "x", places: 2, target: "<= 1", pass: { $0 <= Targets.exportOverImport })
        for (step, mb) in peakRSSMB { row("peak_rss_mb \(step)", mb, " MB", places: 1) }

        let header = ("figure", "value", "target", "result")
        let all = [header] + rows
        let w0 = all.map { $0.0.count }.max()!, w1 = all.map { $0.1.count }.max()!, w2 = all.map { $0.2.count }.max()!
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        var lines = ["winnow bench: \(items) items, median of \(runs) run\(runs == 1 ? "" : "s")"]
        for (i, r) in all.enumerated() {
            lines.append([pad(r.0, w0), pad(r.1, w1), pad(r.2, w2), r.3].joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            if i == 0 { lines.append(String(repeating: "-", count: w0 + w1 + w2 + 12)) }
        }
        if !context.isEmpty {
            lines.append("")
            for (name, value) in context { lines.append("\(name): \(value)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func round(_ v: Double, _ places: Int) -> Double {
        let f = pow(10, Double(places))
        return (v * f).rounded() / f
    }
}

/// Medians and percentiles of timings.
public enum BenchStats {
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// The `p`-th percentile (0–100) by the nearest-rank method: the smallest value with at least p% of the
    /// values at or below it.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        let rank = Int((p / 100 * Double(s.count)).rounded(.up))
        return s[min(s.count - 1, max(0, rank - 1))]
    }

    public static func percentiles(_ values: [Double]) -> BenchResults.Percentiles? {
        guard let p50 = percentile(values, 50), let p99 = percentile(values, 99) else { return nil }
        return .init(p50: p50, p99: p99)
    }
}

/// `winnow bench` at a large pool beside a reference size (158,000 by default): the cost per item of each
/// step that touches every item, at both sizes, and whether it grew by more than the allowed share.
public struct BenchScale: Sendable {
    public var reference: BenchResults
    public var large: BenchResults
    /// The allowed growth of a per-item cost (0.2: within 20%).
    public static let allowedGrowth = 0.2

    public init(reference: BenchResults, large: BenchResults) {
        self.reference = reference
        self.large = large
    }

    public struct Figure: Sendable, Equatable {
        public var name: String
        /// Microseconds per item at the reference size and at the large size.
        public var referenceMicroseconds: Double?
        public var largeMicroseconds: Double?
        /// large / reference − 1.
        public var growth: Double? {
            guard let r = referenceMicroseconds, let l = largeMicroseconds, r > 0 else { return nil }
            return l / r - 1
        }
        public var passes: Bool? { growth.map { $0 <= BenchScale.allowedGrowth } }
    }

    /// The steps whose cost is per item: import, the first feature computation, export.
    public var figures: [Figure] {
        func perItem(_ seconds: Double?, _ results: BenchResults) -> Double? {
            seconds.map { $0 / Double(max(1, results.items)) * 1e6 }
        }
        let steps: [(String, (BenchResults) -> Double?)] = [
            ("import", { $0.importWinnowSeconds }), ("features", { $0.featureSeconds }), ("export", { $0.exportSeconds }),
        ]
        return steps.map { name, seconds in
            Figure(name: name, referenceMicroseconds: perItem(seconds(reference), reference), largeMicroseconds: perItem(seconds(large), large))
        }
    }

    /// `{"reference_items", "items", "per_item_us": {STEP: {"reference", "large", "growth", "pass"}}}`.
    public func json() -> JSONValue {
        func num(_ v: Double?, _ places: Int) -> JSONValue { v.map { .number(BenchResults.round($0, places)) } ?? .null }
        return .object(JSONObject([
            "reference_items": .number(reference.items), "items": .number(large.items),
            "per_item_us": .object(JSONObject(figures.map { f in
                JSONObject.Member(key: f.name, value: .object(JSONObject([
                    "reference": num(f.referenceMicroseconds, 2), "large": num(f.largeMicroseconds, 2),
                    "growth": num(f.growth, 3), "pass": f.passes.map(JSONValue.bool) ?? .null,
                ])))
            })),
        ]))
    }

    /// The side-by-side table: per-item cost at both sizes, the growth, and pass or FAIL.
    public func table() -> String {
        var lines = ["cost per item: \(reference.items) items beside \(large.items) (target: growth at most \(Int(Self.allowedGrowth * 100))%)"]
        let header = ["step", "µs/item at \(reference.items)", "µs/item at \(large.items)", "growth", "result"]
        var rows = [header]
        for f in figures {
            func us(_ v: Double?) -> String { v.map { String(format: "%.2f", $0) } ?? "not available" }
            rows.append([f.name, us(f.referenceMicroseconds), us(f.largeMicroseconds),
                         f.growth.map { String(format: "%+.0f%%", $0 * 100) } ?? "", f.passes.map { $0 ? "pass" : "FAIL" } ?? ""])
        }
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max()! }
        for (i, r) in rows.enumerated() {
            lines.append(r.enumerated().map { c, v in v + String(repeating: " ", count: widths[c] - v.count) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces))
            if i == 0 { lines.append(String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))) }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
