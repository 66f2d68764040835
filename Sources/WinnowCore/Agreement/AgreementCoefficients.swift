/// The agreement coefficients, computed from item category counts (see `CountPatterns`) or from a
/// pair's confusion matrix. Every function returns nil when the coefficient is undefined for the data
/// (no pairable item, no variation to agree on); none returns NaN.
///
/// Notation: r_ik = ratings of item i in category k, r_i = Σ_k r_ik, q = number of categories.
enum AgreementMath {
    /// Observed agreement and category shares, the parts Fleiss' kappa and Gwet's AC1 share.
    struct ChanceParts {
        /// p_a = mean over items with r_i ≥ 2 of Σ_k r_ik(r_ik − 1) / (r_i(r_i − 1)); nil without such items.
        var percentAgreement: Double?
        /// π_k = mean over items with r_i ≥ 1 of r_ik / r_i.
        var shares: [Double]
    }

    /// p_a and π_k with each pattern counted `weights[p]` times.
    static func chanceParts(_ patterns: CountPatterns, weights: [Double]) -> ChanceParts {
        let q = patterns.q
        var agreementSum = 0.0, pairableWeight = 0.0, ratedWeight = 0.0
        var shareSums = [Double](repeating: 0, count: q)
        for p in 0..<patterns.patternCount {
            let w = weights[p]
            let r = patterns.totals[p]
            guard w > 0, r >= 1 else { continue }
            let rd = Double(r)
            ratedWeight += w
            for k in 0..<q { shareSums[k] += w * patterns.count(p, k) / rd }
            if r >= 2 {
                var same = 0.0
                for k in 0..<q {
                    let c = patterns.count(p, k)
                    same += c * (c - 1)
                }
                agreementSum += w * same / (rd * (rd - 1))
                pairableWeight += w
            }
        }
        let shares = ratedWeight > 0 ? shareSums.map { $0 / ratedWeight } : shareSums
        return ChanceParts(percentAgreement: pairableWeight > 0 ? agreementSum / pairableWeight : nil, shares: shares)
    }

    /// Fleiss' kappa: (p_a − p_e) / (1 − p_e) with p_e = Σ_k π_k². Nil when p_a is, or when every
    /// rating is in one category (p_e = 1).
    static func fleissKappa(_ parts: ChanceParts) -> Double? {
        guard let pa = parts.percentAgreement else { return nil }
        let pe = parts.shares.reduce(0) { $0 + $1 * $1 }
        guard pe < 1 else { return nil }
        return (pa - pe) / (1 - pe)
    }

    /// Gwet's AC1: (p_a − p_e) / (1 − p_e) with p_e = Σ_k π_k(1 − π_k) / (q − 1). Nil when p_a is, or
    /// when there is only one category.
    static func gwetAC1(_ parts: ChanceParts) -> Double? {
        guard let pa = parts.percentAgreement, parts.shares.count >= 2 else { return nil }
        let q = Double(parts.shares.count)
        let pe = parts.shares.reduce(0) { $0 + $1 * (1 - $1) } / (q - 1)
        guard pe < 1 else { return nil }
        return (pa - pe) / (1 - pe)
    }

    /// How far apart two categories are for Krippendorff's alpha.
    enum AlphaMetric: Sendable {
        case nominal
        /// Krippendorff's ordinal distance, from the categories' marginal frequencies (only order matters).
        case ordinal
        /// Squared difference of the categories' numbers.
        case interval([Double])
    }

    /// Krippendorff's alpha, 1 − D_o / D_e, from the coincidence matrix of the items with at least two
    /// ratings (items with one rating contribute nothing). Nil without a pairable item, with fewer than
    /// two categories, or when D_e = 0 (all pairable ratings in one category).
    static func krippendorffAlpha(_ patterns: CountPatterns, weights: [Double], metric: AlphaMetric) -> Double? {
        let q = patterns.q
        guard q >= 2 else { return nil }
        // Coincidences o_kl = Σ_i (r_ik r_il − [k = l] r_ik) / (r_i − 1).
        var o = [Double](repeating: 0, count: q * q)
        var anyPairable = false
        for p in 0..<patterns.patternCount {
            let w = weights[p]
            let r = patterns.totals[p]
            guard w > 0, r >= 2 else { continue }
            anyPairable = true
            let scale = w / Double(r - 1)
            for k in 0..<q {
                let ck = patterns.count(p, k)
                guard ck > 0 else { continue }
                for l in 0..<q {
                    let cl = patterns.count(p, l)
                    let pairs = k == l ? ck * (ck - 1) : ck * cl
                    if pairs > 0 { o[k * q + l] += scale * pairs }
                }
            }
        }
        guard anyPairable else { return nil }
        var nv = [Double](repeating: 0, count: q)
        for k in 0..<q { for l in 0..<q { nv[k] += o[k * q + l] } }
        let n = nv.reduce(0, +)
        guard n > 1 else { return nil }
        var observed = 0.0, expected = 0.0
        for k in 0..<q {
            for l in 0..<q where l != k {
                let d = distance(k, l, metric: metric, marginals: nv)
                observed += o[k * q + l] * d
                expected += nv[k] * nv[l] * d
            }
        }
        expected /= n - 1
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }

    static func distance(_ k: Int, _ l: Int, metric: AlphaMetric, marginals nv: [Double]) -> Double {
        switch metric {
        case .nominal:
            return k == l ? 0 : 1
        case .ordinal:
            let low = min(k, l), high = max(k, l)
            var between = 0.0
            for g in low...high { between += nv[g] }
            let d = between - (nv[low] + nv[high]) / 2
            return d * d
        case .interval(let numbers):
            let d = numbers[k] - numbers[l]
            return d * d
        }
    }

    /// Cohen's kappa from a q×q confusion matrix (`confusion[a * q + b]`: items the first rater put in
    /// a and the second in b), as scikit-learn's `cohen_kappa_score` with `labels` = every category:
    /// 1 − Σ w·observed / Σ w·expected. Nil when the matrix is empty or the expected weighted
    /// disagreement is 0 (both raters used one and the same category throughout).
    static func cohenKappa(confusion: [Double], q: Int, weighting: KappaWeighting) -> Double? {
        var rowSums = [Double](repeating: 0, count: q), columnSums = [Double](repeating: 0, count: q)
        for a in 0..<q {
            for b in 0..<q {
                rowSums[a] += confusion[a * q + b]
                columnSums[b] += confusion[a * q + b]
            }
        }
        let total = rowSums.reduce(0, +)
        guard total > 0 else { return nil }
        var observed = 0.0, expected = 0.0
        for a in 0..<q {
            for b in 0..<q where a != b {
                let w = weighting.weight(a, b)
                observed += w * confusion[a * q + b]
                expected += w * rowSums[a] * columnSums[b] / total
            }
        }
        guard expected > 0 else { return nil }
        return 1 - observed / expected
    }
}

/// The disagreement weights of Cohen's kappa, from the distance between the two values' positions in
/// the criterion's value list.
public enum KappaWeighting: String, Sendable, CaseIterable {
    /// Any two different values disagree fully.
    case unweighted
    /// |i − j|.
    case linear
    /// (i − j)².
    case quadratic

    func weight(_ a: Int, _ b: Int) -> Double {
        switch self {
        case .unweighted: return a == b ? 0 : 1
        case .linear: return Double(abs(a - b))
        case .quadratic: return Double((a - b) * (a - b))
        }
    }
}
