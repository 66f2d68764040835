/// Cohen's kappa over pooled (this annotator's value, someone else's value) pairs, with the weighted
/// forms for ordinal and interval scales.
public struct PooledKappa: Sendable, Equatable {
    public var cohenKappa: Double?
    public var cohenKappaLinear: Double?
    public var cohenKappaQuadratic: Double?
    public var weighted: Bool

    init(confusion: [Double], q: Int, weighted: Bool) {
        cohenKappa = AgreementMath.cohenKappa(confusion: confusion, q: q, weighting: .unweighted)
        cohenKappaLinear = weighted ? AgreementMath.cohenKappa(confusion: confusion, q: q, weighting: .linear) : nil
        cohenKappaQuadratic = weighted ? AgreementMath.cohenKappa(confusion: confusion, q: q, weighting: .quadratic) : nil
        self.weighted = weighted
    }

    var members: [JSONObject.Member] {
        var members: [JSONObject.Member] = [.init(key: "cohen_kappa", value: .optionalNumber(cohenKappa))]
        if weighted {
            members.append(.init(key: "cohen_kappa_linear", value: .optionalNumber(cohenKappaLinear)))
            members.append(.init(key: "cohen_kappa_quadratic", value: .optionalNumber(cohenKappaQuadratic)))
        }
        return members
    }
}

/// One annotator against gold labels (role `gold`) on the items both labeled.
public struct GoldAgreement: Sendable, Equatable {
    /// (annotator, gold) pairs: items both labeled, once per gold label on the item.
    public var n: Int
    /// Share of those pairs with the same value; nil when n is 0.
    public var agreement: Double?
    public var kappa: PooledKappa
    /// Whether `agreement` is below config `control_min_agreement` (nil when no minimum was asked for,
    /// or there is nothing to compare).
    public var belowMinimum: Bool?

    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "n", value: .number(n)), .init(key: "agreement", value: .optionalNumber(agreement)),
        ] + kappa.members
        if let belowMinimum { members.append(.init(key: "below_control_min_agreement", value: .bool(belowMinimum))) }
        return .object(JSONObject(members))
    }
}

/// How one annotator agrees with the others on one criterion (`winnow stats --by annotator`).
public struct AnnotatorAgreement: Sendable, Equatable {
    public var annotator: String
    /// Items this annotator rated.
    public var items: Int
    /// Of those, items at least one other annotator rated too.
    public var pairableItems: Int
    /// Of those, items where the others' most common value is a single value (no tie).
    public var majorityItems: Int
    /// Share of `majorityItems` where this annotator gave the others' most common value.
    public var majorityAgreement: Double?
    /// Kappa over every (this annotator, other annotator) pair of values on shared items.
    public var kappa: PooledKappa
    /// Scales only: mean over pairable items of (this annotator's number − the others' mean number).
    public var bias: Double?
    public var hasBias: Bool
    public var gold: GoldAgreement

    public var json: JSONValue {
        var members: [JSONObject.Member] = [
            .init(key: "items", value: .number(items)), .init(key: "pairable_items", value: .number(pairableItems)),
            .init(key: "majority_items", value: .number(majorityItems)),
            .init(key: "majority_agreement", value: .optionalNumber(majorityAgreement)),
        ]
        members += kappa.members
        if hasBias { members.append(.init(key: "bias", value: .optionalNumber(bias))) }
        members.append(.init(key: "gold", value: gold.json))
        return .object(JSONObject(members))
    }
}

extension Agreement {
    /// Each annotator of `table` against the others and against `gold` (the same criterion's gold
    /// ratings), in name order.
    public static func annotators(_ table: RatingTable, gold: RatingTable, scale: AgreementScale) -> [AnnotatorAgreement] {
        let q = table.categoryCount
        let raterCount = table.raters.count
        var goldByItem: [String: [Int]] = [:]
        for i in 0..<gold.itemCount { goldByItem[gold.items[i]] = gold.ratings(ofItem: i).map(\.category) }

        var items = [Int](repeating: 0, count: raterCount), pairable = items, majorityItems = items, majorityAgree = items
        var biasSum = [Double](repeating: 0, count: raterCount)
        var confusion = [[Double]](repeating: [Double](repeating: 0, count: q * q), count: raterCount)
        var goldConfusion = confusion
        var goldN = items, goldAgree = items

        for i in 0..<table.itemCount {
            let ratings = table.ratings(ofItem: i)
            let counts = table.counts(ofItem: i)
            let golds = goldByItem[table.items[i]] ?? []
            var numberSum = 0.0
            if let numbers = scale.numbers { for r in ratings { numberSum += numbers[r.category] } }
            for r in ratings {
                items[r.rater] += 1
                for g in golds {
                    goldConfusion[r.rater][r.category * q + g] += 1
                    goldN[r.rater] += 1
                    if g == r.category { goldAgree[r.rater] += 1 }
                }
                guard ratings.count >= 2 else { continue }
                pairable[r.rater] += 1
                for other in ratings where other.rater != r.rater {
                    confusion[r.rater][r.category * q + other.category] += 1
                }
                // The others' most common value, when it is a single one.
                var others = counts
                others[r.category] -= 1
                let top = others.max() ?? 0
                if top > 0, others.filter({ $0 == top }).count == 1 {
                    majorityItems[r.rater] += 1
                    if others[r.category] == top { majorityAgree[r.rater] += 1 }
                }
                if let numbers = scale.numbers {
                    let mine = numbers[r.category]
                    biasSum[r.rater] += mine - (numberSum - mine) / Double(ratings.count - 1)
                }
            }
        }
        return (0..<raterCount).map { a in
            AnnotatorAgreement(
                annotator: table.raters[a], items: items[a], pairableItems: pairable[a], majorityItems: majorityItems[a],
                majorityAgreement: majorityItems[a] > 0 ? Double(majorityAgree[a]) / Double(majorityItems[a]) : nil,
                kappa: PooledKappa(confusion: confusion[a], q: q, weighted: scale.hasWeightedKappa),
                bias: scale.numbers != nil && pairable[a] > 0 ? biasSum[a] / Double(pairable[a]) : nil,
                hasBias: scale.numbers != nil,
                gold: GoldAgreement(
                    n: goldN[a], agreement: goldN[a] > 0 ? Double(goldAgree[a]) / Double(goldN[a]) : nil,
                    kappa: PooledKappa(confusion: goldConfusion[a], q: q, weighted: scale.hasWeightedKappa)))
        }
    }
}
