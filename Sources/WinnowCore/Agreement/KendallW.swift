/// Kendall's coefficient of concordance W for rankings given on the group screen: how far the annotators
/// who ranked one group agree on its order, from 0 (no agreement beyond chance) to 1 (the same order).
///
/// For one group of n candidates ranked completely by m annotators, with Rᵢ the sum of candidate i's
/// places, S = Σ (Rᵢ − m(n+1)/2)² and W = 12·S / (m²·(n³ − n)). Places are distinct within a ranking, so no
/// tie correction is needed. The report gives the mean W over the groups that two or more annotators ranked
/// completely, and how many such groups there are; nil when there is none.
public struct KendallW: Sendable, Equatable {
    public var mean: Double
    public var groups: Int

    /// `places[group][annotator][item]`: each annotator's place of each candidate of the group.
    public static func compute(_ places: [String: [String: [String: Double]]]) -> KendallW? {
        var total = 0.0
        var groups = 0
        for (_, byAnnotator) in places {
            let items = Set(byAnnotator.values.flatMap(\.keys))
            let n = items.count
            // Only complete rankings of the group's ranked candidates count.
            let rankings = byAnnotator.values.filter { $0.count == n }
            let m = rankings.count
            guard n >= 2, m >= 2 else { continue }
            let order = items.sorted()
            let sums = order.map { item in rankings.reduce(0.0) { $0 + ($1[item] ?? 0) } }
            let center = Double(m) * Double(n + 1) / 2
            let s = sums.reduce(0.0) { $0 + ($1 - center) * ($1 - center) }
            let dn = Double(n)
            total += 12 * s / (Double(m * m) * (dn * dn * dn - dn))
            groups += 1
        }
        return groups > 0 ? KendallW(mean: total / Double(groups), groups: groups) : nil
    }

    /// W from `labels`' places in the ranking `criterion`, grouped by the labels' groups.
    public static func compute(_ labels: [AgreementLabel], criterion: String) -> KendallW? {
        var places: [String: [String: [String: Double]]] = [:]
        for label in labels where label.role == .annotator {
            guard let place = label.values[criterion]?.numberValue else { continue }
            places[label.group, default: [:]][label.annotator, default: [:]][label.item] = place
        }
        return compute(places)
    }

    var json: JSONValue {
        .object(JSONObject(["mean": .number(mean), "groups": .number(groups)]))
    }
}
