import Foundation
import WinnowCore

/// The agreement dashboard (`winnow stats --watch`, and `o` on the review screen): per criterion
/// Krippendorff's alpha at its declared level with its 95% interval and verdict, pairable items; for the
/// criterion chosen with ←/→, each annotator's bias and kappa against the others and against gold, and
/// alpha by week (drift). It refreshes as labels arrive: a tick polls `AgreementWatch`, which recomputes
/// in the background.
public final class DashboardScreen: Screen {
    public enum Action: Sendable, Equatable { case nextCriterion, previousCriterion, help, close }

    public static let keys = KeyMap<Action>([
        KeyCommand("←→", [(.right, .nextCriterion), (.tab, .nextCriterion), (.char("n"), .nextCriterion),
                          (.left, .previousCriterion), (.backTab, .previousCriterion), (.char("p"), .previousCriterion)],
                   help: "the criterion whose annotators and weeks are shown (Tab, n / p too)", short: "criterion"),
        KeyCommand(.char("?"), .help, help: "all keys", short: "keys"),
        KeyCommand("q/Esc", [(.char("q"), .close), (.escape, .close), (.ctrl("c"), .close)], help: "close the dashboard", short: "close"),
    ])

    public let rubric: Rubric
    private let watch: AgreementWatch
    private let now: () -> Double
    public private(set) var snapshot: AgreementWatch.Snapshot?
    /// Index into the report's criteria.
    public private(set) var criterion = 0
    private var refreshedAt: Double?
    private var message: String?

    public init(store: Store, rubric: Rubric, now: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws {
        self.rubric = rubric
        self.now = now
        watch = AgreementWatch(store: store, rubric: rubric, controlMinAgreement: try Config(store: store).double(.controlMinAgreement))
    }

    /// Computes the first report, waiting for it (so the first frame is not empty).
    public func start() throws {
        if let first = try watch.wait() { adopt(first) }
    }

    private func adopt(_ s: AgreementWatch.Snapshot) {
        snapshot = s
        refreshedAt = now()
        criterion = min(criterion, max(0, s.report.criteria.count - 1))
    }

    public func handle(_ event: ScreenEvent) throws -> ScreenTransition {
        switch event {
        case .tick:
            if let s = try? watch.poll() { adopt(s) }
        case .message: break
        case .key(let key):
            message = nil
            let count = max(1, snapshot?.report.criteria.count ?? 1)
            switch Self.keys.action(for: key) {
            case .nextCriterion: criterion = (criterion + 1) % count
            case .previousCriterion: criterion = (criterion - 1 + count) % count
            case .help: return .push(HelpScreen(Self.keys.help))
            case .close: return .pop
            case nil:
                if case .resize = key { break }
                message = "Keys: " + Self.keys.footer.map { "\($0.keys) \($0.short)" }.joined(separator: " · ")
            }
        }
        return .stay
    }

    public func render(width: Int, height: Int, below: Grid?) -> Grid {
        var grid = Grid(width: width, height: height)
        var parts = ["agreement \(rubric.name) v\(rubric.version)"]
        if let s = snapshot { parts.append("\(s.labels) labels by \(s.annotators) annotators") }
        let clock = refreshedAt.map { Self.clockText($0) } ?? ""
        ScreenFrame.drawHeader(parts, right: clock.isEmpty ? "" : "updated \(clock)", into: &grid)
        let body = ScreenFrame.body(width: width, height: height)
        var lines: [(String, CellStyle)] = []
        if let s = snapshot {
            lines = Self.lines(s.report, criterion: criterion)
        } else {
            lines = [("Computing agreement…", Theme.dim)]
        }
        for (i, line) in lines.prefix(body.height).enumerated() {
            grid.put(TextWidth.truncate(Sanitizer.displayableLine(line.0), to: width - 2), x: 1, y: body.y + i, style: line.1)
        }
        ScreenFrame.drawMessage(message, status: "", into: &grid, y: height - 2)
        ScreenFrame.drawFooter(Self.keys.footer, into: &grid, y: height - 1)
        return grid
    }

    static func clockText(_ t: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "HH:mm:ss 'UTC'"
        return f.string(from: Date(timeIntervalSince1970: t))
    }

    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "n/a" }
        return String(format: "%.3f", x)
    }

    static func interval(_ ci: BootstrapInterval) -> String {
        guard let low = ci.low, let high = ci.high else { return "n/a" }
        return "[\(number(low)), \(number(high))]"
    }

    static func style(_ verdict: AlphaVerdict) -> CellStyle {
        switch verdict {
        case .good: return Theme.gpt
        case .tentative: return Theme.focus
        case .tooLow: return Theme.warning
        case .undefined: return Theme.dim
        }
    }

    /// Columns padded to their widest cell.
    static func table(_ rows: [[String]]) -> [String] {
        var widths: [Int] = []
        for row in rows {
            for (i, cell) in row.enumerated() {
                if widths.count <= i { widths.append(0) }
                widths[i] = max(widths[i], TextWidth.width(of: cell))
            }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in cell + String(repeating: " ", count: widths[i] - TextWidth.width(of: cell)) }
                .joined(separator: "  ")
        }
    }

    /// The dashboard's lines for a report, the chosen criterion's detail below the overview.
    static func lines(_ report: AgreementReport, criterion index: Int) -> [(String, CellStyle)] {
        var out: [(String, CellStyle)] = []
        let criteria = report.criteria
        if criteria.allSatisfy({ $0.agreement.summary.pairableItems == 0 }) {
            out.append(("No item has labels from two annotators yet, so agreement cannot be measured.", Theme.title))
            out.append(("Serve a share of items to several annotators: winnow config set overlap 0.2 (min_annotators people each).", Theme.dim))
            return out
        }
        var rows = [["criterion", "level", "items", "pairable", "α", "α 95% CI", "verdict"]]
        for c in criteria {
            let a = c.agreement
            rows.append([a.criterion, a.scale.declaredAlphaLevel.rawValue, String(a.summary.items), String(a.summary.pairableItems),
                         number(a.summary.alpha(a.scale.declaredAlphaLevel)), interval(a.alphaInterval), a.verdict.rawValue])
        }
        let table = Self.table(rows)
        out.append((table[0], Theme.title))
        for (i, c) in criteria.enumerated() {
            let marker = i == index ? "▸ " : "  "
            out.append((marker + table[i + 1], style(c.agreement.verdict)))
        }
        out[0].0 = "  " + out[0].0
        out.append(("  verdict: α at the declared level: 0.8 and above good, 0.667 to 0.8 tentative, below 0.667 too low to draw conclusions", Theme.dim))
        guard criteria.indices.contains(index) else { return out }
        let chosen = criteria[index]
        out.append(("", .plain))
        out.append(("\(chosen.agreement.criterion): each annotator against the others and against gold", Theme.title))
        if let annotators = chosen.annotators, !annotators.isEmpty {
            let bias = chosen.agreement.scale.numbers != nil
            var arows = [["annotator", "items", "pairable", "κ vs others"] + (bias ? ["bias"] : []) + ["gold n", "gold agree", "κ vs gold", ""]]
            for a in annotators {
                arows.append([a.annotator, String(a.items), String(a.pairableItems), number(a.kappa.cohenKappa)]
                    + (bias ? [number(a.bias)] : [])
                    + [String(a.gold.n), number(a.gold.agreement), number(a.gold.kappa.cohenKappa),
                       a.gold.belowMinimum == true ? "⚠ below control_min_agreement" : ""])
            }
            let t = Self.table(arows)
            out.append(("  " + t[0], Theme.dim))
            for (i, a) in annotators.enumerated() { out.append(("  " + t[i + 1], a.gold.belowMinimum == true ? Theme.warning : .plain)) }
        } else {
            out.append(("  no annotator labels", Theme.dim))
        }
        out.append(("", .plain))
        out.append(("\(chosen.agreement.criterion): drift by ISO week of the label", Theme.title))
        if let weeks = chosen.weeks, !weeks.isEmpty {
            let level = chosen.agreement.scale.declaredAlphaLevel
            var wrows = [["week", "items", "pairable", "α \(level.rawValue)", "verdict"]]
            for w in weeks {
                let alpha = w.summary.alpha(level)
                wrows.append([w.week, String(w.summary.items), String(w.summary.pairableItems), number(alpha), AlphaVerdict(alpha).rawValue])
            }
            let t = Self.table(wrows)
            out.append(("  " + t[0], Theme.dim))
            for line in t.dropFirst() { out.append(("  " + line, .plain)) }
        } else {
            out.append(("  no labels", Theme.dim))
        }
        return out
    }
}
