/// What the agreement statistics need to know of a criterion: how many values it has, its level of
/// measurement, and its values' numbers when it is a scale.
public struct AgreementScale: Sendable, Equatable {
    public var categoryCount: Int
    public var level: MeasurementLevel
    /// The values' numbers in `values` order (scales only); interval alpha is computed on these.
    public var numbers: [Double]?

    public init(categoryCount: Int, level: MeasurementLevel, numbers: [Double]? = nil) {
        self.categoryCount = categoryCount
        self.level = level
        self.numbers = numbers
    }

    public init(_ criterion: Criterion) {
        let numbers = criterion.values.compactMap(\.numberValue)
        self.init(
            categoryCount: criterion.values.count, level: criterion.level,
            numbers: numbers.count == criterion.values.count ? numbers : nil)
    }

    /// The levels alpha is reported at: nominal always; ordinal (on positions) and interval (on the
    /// numbers) too for a scale declared ordinal or interval.
    public var alphaLevels: [MeasurementLevel] {
        guard level != .nominal else { return [.nominal] }
        return numbers != nil ? [.nominal, .ordinal, .interval] : [.nominal, .ordinal]
    }

    /// The level the bootstrap interval of alpha is given at: the declared one (ordinal for an
    /// "interval" criterion without numbers).
    public var declaredAlphaLevel: MeasurementLevel {
        level == .interval && numbers == nil ? .ordinal : level
    }

    /// Whether Cohen's kappa is also given with linear and quadratic weights (ordinal and interval).
    public var hasWeightedKappa: Bool { level != .nominal }

    func metric(_ level: MeasurementLevel) -> AgreementMath.AlphaMetric {
        switch level {
        case .nominal: return .nominal
        case .ordinal: return .ordinal
        case .interval: return numbers.map { .interval($0) } ?? .ordinal
        }
    }
}

/// Krippendorff's alpha at one level of measurement.
public struct LevelAlpha: Sendable, Equatable {
    public var level: MeasurementLevel
    public var value: Double?

    public init(level: MeasurementLevel, value: Double?) {
        self.level = level
        self.value = value
    }
}

/// The main statistics of one criterion over a set of ratings. Nil means undefined for the data.
public struct AgreementSummary: Sendable, Equatable {
    /// Items with at least one rating.
    public var items: Int
    /// Items with at least two ratings.
    public var pairableItems: Int
    public var percentAgreement: Double?
    public var fleissKappa: Double?
    public var gwetAC1: Double?
    /// One entry per level in `AgreementScale.alphaLevels`.
    public var alpha: [LevelAlpha]

    public func alpha(_ level: MeasurementLevel) -> Double? {
        alpha.first(where: { $0.level == level })?.value ?? nil
    }

    /// `{"percent_agreement", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha": {LEVEL: …}}`.
    var coefficientMembers: [JSONObject.Member] {
        [
            .init(key: "percent_agreement", value: .optionalNumber(percentAgreement)),
            .init(key: "fleiss_kappa", value: .optionalNumber(fleissKappa)),
            .init(key: "gwet_ac1", value: .optionalNumber(gwetAC1)),
            .init(key: "krippendorff_alpha", value: .object(JSONObject(alpha.map {
                .init(key: $0.level.rawValue, value: .optionalNumber($0.value))
            }))),
        ]
    }

    public var json: JSONValue {
        .object(JSONObject(coefficientMembers + [
            .init(key: "items", value: .number(items)), .init(key: "pairable_items", value: .number(pairableItems)),
        ]))
    }
}

/// Cohen's kappa of two annotators over the items both rated.
public struct PairAgreement: Sendable, Equatable {
    public var a: String
    public var b: String
    /// Items both rated.
    public var n: Int
    public var cohenKappa: Double?
    /// Nil (and left out of the JSON) for nominal criteria, like the quadratic one.
    public var cohenKappaLinear: Double?
    public var cohenKappaQuadratic: Double?
    public var weighted: Bool

    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "a", value: .string(a)), .init(key: "b", value: .string(b)), .init(key: "n", value: .number(n)),
            .init(key: "cohen_kappa", value: .optionalNumber(cohenKappa)),
        ]
        if weighted {
            members.append(.init(key: "cohen_kappa_linear", value: .optionalNumber(cohenKappaLinear)))
            members.append(.init(key: "cohen_kappa_quadratic", value: .optionalNumber(cohenKappaQuadratic)))
        }
        return .object(JSONObject(members))
    }
}

/// Everything `winnow stats` reports for one criterion.
public struct CriterionAgreement: Sendable, Equatable {
    public var criterion: String
    public var scale: AgreementScale
    public var summary: AgreementSummary
    /// Annotator pairs with at least two shared items, by name.
    public var pairs: [PairAgreement]
    /// Bootstrap interval of alpha at `scale.declaredAlphaLevel`.
    public var alphaInterval: BootstrapInterval
    public var ac1Interval: BootstrapInterval

    /// `{"percent_agreement", "fleiss_kappa", "gwet_ac1", "krippendorff_alpha", "pairs", "ci", "items",
    /// "pairable_items"}`.
    public var json: JSONObject {
        JSONObject(summary.coefficientMembers + [
            .init(key: "pairs", value: .array(pairs.map(\.json))),
            .init(key: "ci", value: .object(JSONObject([
                "krippendorff_alpha": .object(JSONObject([
                    "level": .string(scale.declaredAlphaLevel.rawValue),
                    "low": .optionalNumber(alphaInterval.low), "high": .optionalNumber(alphaInterval.high),
                    "undefined": .number(alphaInterval.undefined),
                ])),
                "gwet_ac1": .object(JSONObject([
                    "low": .optionalNumber(ac1Interval.low), "high": .optionalNumber(ac1Interval.high),
                    "undefined": .number(ac1Interval.undefined),
                ])),
            ]))),
            .init(key: "items", value: .number(summary.items)),
            .init(key: "pairable_items", value: .number(summary.pairableItems)),
            .init(key: "verdict", value: .string(verdict.rawValue)),
        ])
    }

    /// Krippendorff's alpha at the declared level, read against his bands.
    public var verdict: AlphaVerdict { AlphaVerdict(summary.alpha(scale.declaredAlphaLevel)) }
}

/// How far agreement supports conclusions, by Krippendorff's bands for alpha: 0.8 and above good,
/// 0.667 up to 0.8 tentative, below 0.667 too low to draw conclusions; undefined without pairable items.
public enum AlphaVerdict: String, Sendable, Equatable {
    case good
    case tentative
    case tooLow = "too low"
    case undefined = "n/a"

    public init(_ alpha: Double?) {
        guard let alpha, alpha.isFinite else {
            self = .undefined
            return
        }
        self = alpha >= 0.8 ? .good : (alpha >= 0.667 ? .tentative : .tooLow)
    }
}

/// Inter-annotator agreement statistics. See `AgreementMath` for the formulas; everything undefined for
/// the data is nil.
public enum Agreement {
    public static let defaultResamples = 1000

    /// Percent agreement, Fleiss' kappa, Gwet's AC1 (all unweighted) and Krippendorff's alpha at each
    /// of the scale's levels.
    public static func summary(_ table: RatingTable, scale: AgreementScale) -> AgreementSummary {
        summary(table.patterns, scale: scale)
    }

    static func summary(_ patterns: CountPatterns, scale: AgreementScale) -> AgreementSummary {
        let weights = patterns.frequency
        let parts = AgreementMath.chanceParts(patterns, weights: weights)
        var pairable = 0.0
        for p in 0..<patterns.patternCount where patterns.totals[p] >= 2 { pairable += weights[p] }
        return AgreementSummary(
            items: patterns.patternOfItem.count, pairableItems: Int(pairable),
            percentAgreement: parts.percentAgreement,
            fleissKappa: AgreementMath.fleissKappa(parts), gwetAC1: AgreementMath.gwetAC1(parts),
            alpha: scale.alphaLevels.map { level in
                LevelAlpha(level: level, value: AgreementMath.krippendorffAlpha(patterns, weights: weights, metric: scale.metric(level)))
            })
    }

    /// Cohen's kappa for every pair of raters with at least `minimumShared` items both rated, ordered by
    /// the names; weighted forms for ordinal and interval scales.
    public static func pairs(_ table: RatingTable, scale: AgreementScale, minimumShared: Int = 2) -> [PairAgreement] {
        let q = table.categoryCount
        let raterCount = table.raters.count
        var confusions: [Int: [Double]] = [:]  // a * raterCount + b (a < b) -> q×q counts
        for i in 0..<table.itemCount {
            let ratings = table.ratings(ofItem: i)
            for x in ratings.indices {
                for y in ratings.indices where y > x {
                    let first = ratings[x], second = ratings[y]
                    let key = first.rater * raterCount + second.rater
                    confusions[key, default: [Double](repeating: 0, count: q * q)][first.category * q + second.category] += 1
                }
            }
        }
        return confusions.keys.sorted().compactMap { key in
            let confusion = confusions[key]!
            let n = Int(confusion.reduce(0, +))
            guard n >= minimumShared else { return nil }
            let kappa = { (w: KappaWeighting) in AgreementMath.cohenKappa(confusion: confusion, q: q, weighting: w) }
            return PairAgreement(
                a: table.raters[key / raterCount], b: table.raters[key % raterCount], n: n,
                cohenKappa: kappa(.unweighted),
                cohenKappaLinear: scale.hasWeightedKappa ? kappa(.linear) : nil,
                cohenKappaQuadratic: scale.hasWeightedKappa ? kappa(.quadratic) : nil,
                weighted: scale.hasWeightedKappa)
        }
    }

    /// 95% percentile bootstrap intervals over items for alpha (at the declared level) and AC1, from the
    /// same `resamples` resamples drawn with `SeededGenerator(seed:)`.
    public static func intervals(
        _ table: RatingTable, scale: AgreementScale, resamples: Int = defaultResamples, seed: UInt64
    ) -> (alpha: BootstrapInterval, ac1: BootstrapInterval) {
        intervals(table.patterns, scale: scale, resamples: resamples, seed: seed)
    }

    static func intervals(
        _ patterns: CountPatterns, scale: AgreementScale, resamples: Int, seed: UInt64
    ) -> (alpha: BootstrapInterval, ac1: BootstrapInterval) {
        var generator = SeededGenerator(seed: seed)
        let metric = scale.metric(scale.declaredAlphaLevel)
        let result = Bootstrap.percentileIntervals(
            patterns, resamples: resamples, generator: &generator,
            statistics: [
                { AgreementMath.krippendorffAlpha($0, weights: $1, metric: metric) },
                { AgreementMath.gwetAC1(AgreementMath.chanceParts($0, weights: $1)) },
            ])
        return (result[0], result[1])
    }

    /// Everything `winnow stats` reports for one criterion. Each criterion's bootstrap starts from `seed`
    /// afresh, so its interval does not depend on which other criteria are computed.
    public static func criterion(
        _ id: String, table: RatingTable, scale: AgreementScale, resamples: Int = defaultResamples, seed: UInt64
    ) -> CriterionAgreement {
        let patterns = table.patterns
        let ci = intervals(patterns, scale: scale, resamples: resamples, seed: seed)
        return CriterionAgreement(
            criterion: id, scale: scale, summary: summary(patterns, scale: scale),
            pairs: pairs(table, scale: scale), alphaInterval: ci.alpha, ac1Interval: ci.ac1)
    }
}

extension JSONValue {
    /// A number, or null for nil (and for NaN or infinity, which JSON cannot hold).
    static func optionalNumber(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }
}
