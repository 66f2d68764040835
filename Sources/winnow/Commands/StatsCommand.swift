import ArgumentParser
import Foundation
import WinnowCore
import WinnowTUI

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show inter-annotator agreement per criterion (percent agreement, Fleiss' kappa, Gwet's AC1, Krippendorff's alpha, Cohen's kappa per pair).",
        discussion: """
            Uses the current labels of role annotator (gold labels only with --by annotator; imported scores never). \
            Without --rubric, the rubric of the most recent annotator label is read from the database. \
            Bootstrap intervals: 1,000 resamples of the items, seeded by --seed. Undefined statistics are null (n/a).
            """)

    enum Breakdown: String, ExpressibleByArgument, CaseIterable {
        case annotator, week
    }

    @OptionGroup var store: StoreOptions

    @Flag(help: "Print {\"criteria\": {ID: {…}}} as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Only this criterion.", valueName: "id"))
    var criterion: String?

    @Option(help: ArgumentHelp("Seed of the bootstrap resamples.", valueName: "n"))
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("The rubric to report on (default: the rubric of the most recent label).", valueName: "rubric.yaml"))
    var rubric: String?

    @Option(help: ArgumentHelp("Also break down by annotator (vs the others and vs gold) or by ISO week (drift); repeatable.", valueName: "annotator|week"))
    var by: [Breakdown] = []

    @Flag(help: "Open the agreement dashboard, which refreshes as labels arrive (q quits).")
    var watch = false

    func run() throws {
        let database = try store.openExisting()
        let rubric: Rubric
        if let path = self.rubric {
            rubric = try Rubric.load(path: path)
        } else if let latest = try LabelLog(store: database).latestAnnotatorRubric() {
            rubric = latest
        } else {
            throw ValidationError("no annotator labels in \(store.path) to take the rubric from; give --rubric")
        }
        if let criterion, rubric.criterion(criterion) == nil {
            throw ValidationError("no criterion '\(criterion)' in rubric \(rubric.name) (\(rubric.criteria.map(\.id).joined(separator: ", ")))")
        }
        if let warning = try RubricScope.check(database, rubric: rubric, roles: [.annotator, .gold]) { Output.error(warning) }
        if watch {
            guard !json else { throw ValidationError("--watch opens a screen; it cannot be combined with --json") }
            return try Self.runDashboard(store: database, rubric: rubric)
        }
        let labels = try LabelLog(store: database).agreementLabels(rubric: rubric)
        let options = AgreementOptions(criterion: criterion, seed: seed, byAnnotator: by.contains(.annotator), byWeek: by.contains(.week),
                                       controlMinAgreement: try Config(store: database).double(.controlMinAgreement))
        let report = Output.withProgress("agreement") { progress in
            AgreementReport.make(labels: labels, rubric: rubric, options: options, progress: progress)
        }
        if json {
            Output.json(report.json)
        } else {
            Output.text(StatsText.render(report, seed: seed))
        }
    }
}

extension StatsCommand {
    static func runDashboard(store: Store, rubric: Rubric) throws {
        try MainActor.assumeIsolated {
            let dashboard = try DashboardScreen(store: store, rubric: rubric)
            try dashboard.start()
            try TerminalSession.run(AppLoop(root: dashboard, inbox: Inbox()))
        }
    }
}

/// The text form of `winnow stats`: a table with one row per criterion, then the pairs and breakdowns.
enum StatsText {
    static func render(_ report: AgreementReport, seed: UInt64) -> String {
        var out = "rubric \(report.rubric.name) \(report.rubric.version) · annotator labels · 95% bootstrap intervals (1000 resamples, seed \(seed))\n"
        // Which screen the values came from: one item at a time, or a group of candidates side by side.
        var modes: [LabelMode: Int] = [:]
        for c in report.criteria { for (mode, n) in c.modes { modes[mode] = max(modes[mode] ?? 0, n) } }
        out += "labels from item mode: \(modes[.item] ?? 0), from group mode (label --by-group): \(modes[.group] ?? 0)"
        out += " (the most values of one criterion from each)\n\n"
        var rows = [["criterion", "level", "items", "pairable", "agree", "fleiss κ", "AC1", "AC1 95% CI",
                     "α nominal", "α ordinal", "α interval", "α 95% CI", "verdict"]]
        for c in report.criteria {
            let a = c.agreement, s = a.summary
            let levels = Set(s.alpha.map(\.level))
            let alpha = { (level: MeasurementLevel) in levels.contains(level) ? number(s.alpha(level)) : "" }
            rows.append([
                a.criterion, a.scale.level.rawValue, String(s.items), String(s.pairableItems), number(s.percentAgreement),
                number(s.fleissKappa), number(s.gwetAC1), interval(a.ac1Interval),
                alpha(.nominal), alpha(.ordinal), alpha(.interval),
                "\(a.scale.declaredAlphaLevel.rawValue) \(interval(a.alphaInterval))", a.verdict.rawValue,
            ])
        }
        if !report.criteria.isEmpty, report.criteria.allSatisfy({ $0.agreement.summary.pairableItems == 0 }) {
            out += "No item has labels from two annotators under this rubric, so agreement cannot be measured yet.\n"
            out += "Serve a share of the items to several annotators: `winnow config set overlap 0.2` (each such item goes to "
            out += "min_annotators people, default 2), then label with two or more names."
            return out
        }
        out += table(rows, rightAligned: 2...10)
        out += "\n\nverdict: Krippendorff's α at the criterion's declared level: 0.8 and above good; 0.667 to 0.8 tentative"
        out += " (conclusions only tentative); below 0.667 too low to draw conclusions"
        out += "\nn/a: undefined for the data (no item rated twice, or no variation to agree on)"
        for c in report.criteria where report.rubric.criterion(c.agreement.criterion)?.kind == .rank {
            out += "\n\n\(c.agreement.criterion): a ranking; α ordinal over the places pools every group's places."
            if let w = c.kendallW {
                out += " Kendall's W (concordance of the orders, 0 none to 1 the same order): mean \(number(w.mean)) over \(w.groups) group\(w.groups == 1 ? "" : "s") ranked completely by two or more annotators"
            } else {
                out += " Kendall's W: n/a (no group ranked completely by two or more annotators)"
            }
        }

        for c in report.criteria {
            let a = c.agreement
            out += "\n\n\(a.criterion): Cohen's kappa per annotator pair sharing at least two items"
            if a.pairs.isEmpty {
                out += "\n  no pair of annotators shares two items"
            } else {
                var pairRows = [["a", "b", "n", "κ"] + (a.scale.hasWeightedKappa ? ["κ linear", "κ quadratic"] : [])]
                for p in a.pairs {
                    pairRows.append([p.a, p.b, String(p.n), number(p.cohenKappa)]
                        + (p.weighted ? [number(p.cohenKappaLinear), number(p.cohenKappaQuadratic)] : []))
                }
                out += "\n" + indent(table(pairRows, rightAligned: 2...5))
            }
            if let annotators = c.annotators {
                out += "\n\n\(a.criterion): each annotator against the others and against gold"
                let bias = a.scale.numbers != nil
                var rows = [["annotator", "items", "pairable", "with majority", "κ vs others"] + (bias ? ["bias"] : [])
                            + ["gold n", "gold agree", "κ vs gold", ""]]
                for x in annotators {
                    rows.append([
                        x.annotator, String(x.items), String(x.pairableItems),
                        x.majorityAgreement.map { "\(number($0)) of \(x.majorityItems)" } ?? "n/a",
                        number(x.kappa.cohenKappa),
                    ] + (bias ? [number(x.bias)] : []) + [String(x.gold.n), number(x.gold.agreement), number(x.gold.kappa.cohenKappa),
                        x.gold.belowMinimum == true ? "⚠ below control_min_agreement" : ""])
                }
                out += "\n" + indent(table(rows, rightAligned: 1...8))
            }
            if let weeks = c.weeks {
                out += "\n\n\(a.criterion): by ISO week of the label"
                var rows = [["week", "items", "pairable", "agree", "fleiss κ", "AC1", "α \(a.scale.declaredAlphaLevel.rawValue)"]]
                for w in weeks {
                    rows.append([
                        w.week, String(w.summary.items), String(w.summary.pairableItems), number(w.summary.percentAgreement),
                        number(w.summary.fleissKappa), number(w.summary.gwetAC1), number(w.summary.alpha(a.scale.declaredAlphaLevel)),
                    ])
                }
                out += "\n" + (weeks.isEmpty ? "  no labels" : indent(table(rows, rightAligned: 1...6)))
            }
        }
        return out
    }

    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.3f", value)
    }

    static func interval(_ ci: BootstrapInterval) -> String {
        guard let low = ci.low, let high = ci.high else { return "n/a" }
        let undefined = ci.undefined > 0 ? " (\(ci.undefined) undefined)" : ""
        return "[\(number(low)), \(number(high))]\(undefined)"
    }

    /// Columns padded to their widest cell (counted in characters), separated by two spaces.
    static func table(_ rows: [[String]], rightAligned: ClosedRange<Int>) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return rightAligned.contains(i) ? pad + cell : cell + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }.joined(separator: "\n")
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
    }
}
