import Foundation

/// One current label as the statistics see it: its values read through the rubric being reported on.
public struct AgreementLabel: Sendable, Equatable {
    public var item: String
    public var annotator: String
    public var role: LabelRole
    /// RFC 3339 time of the label (for `--by week`).
    public var at: String
    public var values: [String: ScoreValue]
    /// The item's group (for Kendall's W over rankings) and the screen that gave the label.
    public var group: String
    public var mode: LabelMode

    public init(item: String, annotator: String, role: LabelRole, at: String, values: [String: ScoreValue], group: String = "",
                mode: LabelMode = .item) {
        self.group = group
        self.mode = mode
        self.item = item
        self.annotator = annotator
        self.role = role
        self.at = at
        self.values = values
    }
}

/// What `winnow stats` computes.
public struct AgreementOptions: Sendable, Equatable {
    /// Only this criterion; nil for every criterion of the rubric.
    public var criterion: String?
    public var seed: UInt64
    public var resamples: Int
    public var byAnnotator: Bool
    public var byWeek: Bool
    /// With `byAnnotator`: mark annotators whose agreement with gold is below this (config `control_min_agreement`).
    public var controlMinAgreement: Double?

    public init(
        criterion: String? = nil, seed: UInt64 = 0, resamples: Int = Agreement.defaultResamples, byAnnotator: Bool = false,
        byWeek: Bool = false, controlMinAgreement: Double? = nil
    ) {
        self.controlMinAgreement = controlMinAgreement
        self.criterion = criterion
        self.seed = seed
        self.resamples = resamples
        self.byAnnotator = byAnnotator
        self.byWeek = byWeek
    }
}

/// The main statistics of one criterion over the labels of one ISO week.
public struct WeekAgreement: Sendable, Equatable {
    /// `2026-W05`.
    public var week: String
    public var summary: AgreementSummary
}

/// One criterion's section of the report.
public struct CriterionReport: Sendable, Equatable {
    public var agreement: CriterionAgreement
    /// With `byAnnotator`: every annotator, by name.
    public var annotators: [AnnotatorAgreement]?
    /// With `byWeek`: every week with a label, in order.
    public var weeks: [WeekAgreement]?
    /// For a ranking: Kendall's W over the groups two or more annotators ranked.
    public var kendallW: KendallW?
    /// How many of the criterion's values came from each screen (item mode, group mode).
    public var modes: [LabelMode: Int] = [:]

    public var json: JSONValue {
        var object = agreement.json
        if let kendallW { object.members.append(.init(key: "kendall_w", value: kendallW.json)) }
        object.members.append(.init(key: "labels_by_mode", value: .object(JSONObject(LabelMode.allCases.map {
            .init(key: $0.rawValue, value: .number(modes[$0] ?? 0))
        }))))
        if let annotators {
            object.members.append(.init(key: "by_annotator", value: .object(JSONObject(annotators.map {
                .init(key: $0.annotator, value: $0.json)
            }))))
        }
        if let weeks {
            object.members.append(.init(key: "by_week", value: .object(JSONObject(weeks.map {
                .init(key: $0.week, value: $0.summary.json)
            }))))
        }
        return .object(object)
    }
}

/// `winnow stats`: agreement of the current `annotator` labels, per criterion of a rubric. Gold labels
/// are compared against only with `byAnnotator`; imported scores are never raters.
public struct AgreementReport: Sendable, Equatable {
    public var rubric: Rubric
    /// In rubric order.
    public var criteria: [CriterionReport]

    /// `{"criteria": {ID: {…}}}`.
    public var json: JSONValue {
        .object(JSONObject([
            "criteria": .object(JSONObject(criteria.map { .init(key: $0.agreement.criterion, value: $0.json) })),
        ]))
    }

    /// `progress` is told (criteria done, criteria in all) as each criterion's statistics are done.
    public static func make(labels: [AgreementLabel], rubric: Rubric, options: AgreementOptions = AgreementOptions(),
                            progress: ((Int, Int) -> Void)? = nil) -> AgreementReport {
        let annotatorLabels = labels.filter { $0.role == .annotator }
        let goldLabels = labels.filter { $0.role == .gold }
        var reports: [CriterionReport] = []
        let criteria = rubric.criteria.filter { options.criterion == nil || options.criterion == $0.id }
        progress?(0, criteria.count)
        for criterion in criteria {
            defer { progress?(reports.count, criteria.count) }
            let scale = AgreementScale(criterion)
            let table = ratingTable(annotatorLabels, criterion: criterion)
            let agreement = Agreement.criterion(
                criterion.id, table: table, scale: scale, resamples: options.resamples, seed: options.seed)
            var report = CriterionReport(agreement: agreement)
            if criterion.kind == .rank { report.kendallW = KendallW.compute(annotatorLabels, criterion: criterion.id) }
            for label in annotatorLabels where label.values[criterion.id] != nil { report.modes[label.mode, default: 0] += 1 }
            if options.byAnnotator {
                var annotators = Agreement.annotators(table, gold: ratingTable(goldLabels, criterion: criterion), scale: scale)
                if let minimum = options.controlMinAgreement {
                    for i in annotators.indices {
                        annotators[i].gold.belowMinimum = annotators[i].gold.agreement.map { $0 < minimum }
                    }
                }
                report.annotators = annotators
            }
            if options.byWeek {
                var byWeek: [String: [AgreementLabel]] = [:]
                for label in annotatorLabels where label.values[criterion.id] != nil {
                    byWeek[ISOWeek.name(ofTimestamp: label.at) ?? "unknown", default: []].append(label)
                }
                report.weeks = byWeek.keys.sorted().map { week in
                    WeekAgreement(week: week, summary: Agreement.summary(ratingTable(byWeek[week]!, criterion: criterion), scale: scale))
                }
            }
            reports.append(report)
        }
        return AgreementReport(rubric: rubric, criteria: reports)
    }

    /// The ratings of one criterion in `labels` (labels without a value for it are left out).
    public static func ratingTable(_ labels: [AgreementLabel], criterion: Criterion) -> RatingTable {
        var ratings: [Rating] = []
        for label in labels {
            if let value = label.values[criterion.id], let position = criterion.position(of: value) {
                ratings.append(Rating(item: label.item, rater: label.annotator, category: position))
            }
        }
        return RatingTable(categoryCount: criterion.values.count, ratings: ratings)
    }
}

/// ISO 8601 week names (`2026-W05`): weeks start on Monday; week 1 is the one with the year's first
/// Thursday, so a week's year can differ from its days' calendar year near New Year.
public enum ISOWeek {
    /// The ISO week of an RFC 3339 time, taken in UTC; nil if the text is not such a time.
    public static func name(ofTimestamp text: String) -> String? {
        guard let date = Timestamp.parse(text) else { return nil }
        return name(ofDay: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// The ISO week of a day counted from 1970-01-01 (a Thursday).
    public static func name(ofDay day: Int) -> String {
        let weekday = ((day + 3) % 7 + 7) % 7 + 1  // Monday 1 … Sunday 7
        let thursday = day - weekday + 4
        let (year, _, _) = civil(fromDay: thursday)
        let week = (thursday - dayNumber(year: year, month: 1, day: 1)) / 7 + 1
        let yearText = String(year)
        return yearText + "-W" + (week < 10 ? "0" : "") + String(week)
    }

    /// (year, month, day) of a day counted from 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
    static func civil(fromDay day: Int) -> (Int, Int, Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Days from 1970-01-01 to a date (the inverse of `civil`).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
