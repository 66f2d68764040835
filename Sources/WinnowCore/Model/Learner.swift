import WinnowMath
import Foundation

/// What one fitted target predicts: a scale criterion or the overall score (ridge), or a flag (logistic).
public struct TargetSpec: Sendable, Equatable {
    public enum Kind: String, Sendable { case ridge, logistic }
    /// A criterion id, or `overall`.
    public var id: String
    public var kind: Kind
    /// The target's range: a scale's lowest and highest value, 0…1 for the overall score and for flags.
    public var low: Double
    public var high: Double

    public init(id: String, kind: Kind, low: Double, high: Double) {
        self.id = id
        self.kind = kind
        self.low = low
        self.high = high
    }
}

/// A regularised linear model with a Gaussian posterior over its weights (Bayesian ridge regression,
/// or a Laplace approximation for logistic regression), in the standardized feature space.
///
/// The posterior is kept as its mean and `directions`: M draws uᵐ ~ N(0, A⁻¹) (A the posterior
/// precision up to the noise variance), so the predictive std of the mean at x is σ·√(mean (x·uᵐ)²)
/// — an ensemble of M models without fitting M times. Items unlike the training data (x outside the
/// span of the labeled rows) get large x·A⁻¹·x and so a large uncertainty.
struct LinearFit {
    var spec: TargetSpec
    var weights: [Double]
    /// Scale of the direction set: the std of the mean at x is `sigma`·√(mean (x·uᵐ)²).
    var sigma: Double
    /// Ridge targets: the std of a label around the mean (the noise), added in quadrature to the std of
    /// the mean for the stored predictive std (so mean ± 1.96·std covers about 95% of new labels). The
    /// queue's uncertainty uses the std of the mean alone (what a label would teach the model).
    var noise: Double
    /// Index of the shared direction set (ridge targets on the same labeled rows share one).
    var directionSet: Int
    var metrics: JSONObject
    /// Effective number of parameters (ridge).
    var df: Double
}

/// Fits the targets of one refit. Rows are standardized training rows of `width` floats: the pool
/// matrix's columns, then (from `relativeStart` on) the dense features relative to the item's siblings.
///
/// Ridge targets choose their penalty from the data: the prior precisions (one for the item's own
/// columns, one for the relative block) that maximise the marginal likelihood of the labels, with the
/// noise variance profiled out, over a grid of powers of ten refined to half decades; the relative block's
/// penalty is then searched the same way with the first one fixed. Flags keep the fixed `lambda`.
struct Learner {
    var width: Int
    var lambda: Double
    var biasColumn: Int
    var samples: Int
    var seed: UInt64
    /// First column of the relative block (`width` when there is none).
    var relativeStart: Int
    /// Choose ridge penalties by marginal likelihood (else `lambda` everywhere).
    var choosePenalty: Bool

    /// Direction sets, each `samples` vectors of `width`.
    var directionSets: [[[Double]]] = []
    private var gramCache: [[Int]: [Double]] = [:]
    private var cholCache: [CholKey: (chol: [Double], set: Int)] = [:]

    private struct CholKey: Hashable {
        var use: [Int]
        var own: Double
        var relative: Double
    }

    init(width: Int, lambda: Double, biasColumn: Int, samples: Int, seed: UInt64, relativeStart: Int? = nil, choosePenalty: Bool = false) {
        self.width = width
        self.lambda = lambda
        self.biasColumn = biasColumn
        self.samples = samples
        self.seed = seed
        self.relativeStart = relativeStart ?? width
        self.choosePenalty = choosePenalty
    }

    private func prior(_ j: Int) -> Double { j == biasColumn ? 1e-4 : lambda }

    private func prior(_ j: Int, own: Double, relative: Double) -> Double {
        j == biasColumn ? 1e-4 : (j < relativeStart ? own : relative)
    }

    /// The noise variance is taken to be at least this share of the labels' variance.
    static let noiseFloorShare = 0.05

    /// Penalties tried: 10⁻² … 10⁴, then the half decades either side of the best.
    static let penaltyDecades = [-2.0, -1, 0, 1, 2, 3, 4]

    /// Log marginal likelihood of centered `yy`/`xty` under prior precisions (own, relative) relative to
    /// the noise, up to a constant; with its Cholesky factor. Nil when the system is not positive definite.
    ///
    /// The noise variance is profiled out (σ² = Q/n) but kept at or above `noiseFloor`, the floor the
    /// predictive std uses too: with fewer labels than columns the labels can be fitted exactly, and without
    /// a floor every small penalty would explain them equally well with σ² → 0.
    private func evidence(gram: [Double], xty: [Double], yy: Double, n: Int, noiseFloor: Double, own: Double,
                          relative: Double) -> (Double, [Double])? {
        let k = width
        var a = gram
        var logPrior = 0.0
        for j in 0..<k {
            let p = prior(j, own: own, relative: relative)
            a[j * k + j] += p
            logPrior += log(p)
        }
        guard LinearAlgebra.cholesky(&a, k) else { return nil }
        let w = LinearAlgebra.solve(a, k, xty)
        var q = yy
        for j in 0..<k { q -= w[j] * xty[j] }
        q = max(q, 0)
        let sigma2 = max(q / Double(n), noiseFloor)
        var logDet = 0.0
        for j in 0..<k { logDet += 2 * log(a[j * k + j]) }
        return (-Double(n) / 2 * log(sigma2) - (logDet - logPrior) / 2 - q / (2 * sigma2), a)
    }

    /// The (own, relative) penalties with the highest evidence, and its factor.
    private func choose(gram: [Double], xty: [Double], yy: Double, n: Int, noiseFloor: Double) -> (own: Double, relative: Double, chol: [Double])? {
        var best: (score: Double, own: Double, relative: Double, chol: [Double])?
        func consider(_ own: Double, _ relative: Double) {
            guard let (score, chol) = evidence(gram: gram, xty: xty, yy: yy, n: n, noiseFloor: noiseFloor, own: own, relative: relative) else { return }
            if best == nil || score > best!.score + 1e-9 { best = (score, own, relative, chol) }
        }
        for d in Self.penaltyDecades { consider(pow(10, d), pow(10, d)) }
        guard var current = best else { return nil }
        for d in [log10(current.own) - 0.5, log10(current.own) + 0.5] { consider(pow(10, d), pow(10, d)) }
        if relativeStart < width {
            current = best!
            let own = current.own
            for d in Self.penaltyDecades where abs(pow(10, d) - current.relative) > 1e-12 { consider(own, pow(10, d)) }
            let r = best!.relative
            for d in [log10(r) - 0.5, log10(r) + 0.5] { consider(own, pow(10, d)) }
        }
        return best.map { ($0.own, $0.relative, $0.chol) }
    }

    /// `rows[i]` is the standardized row of training example i; `use` picks the examples of this target.
    mutating func fitRidge(spec: TargetSpec, rows: [Float], use: [Int], y: [Double]) -> LinearFit? {
        let k = width
        let n = use.count
        guard n >= 2 else { return nil }
        let yMean = y.reduce(0, +) / Double(n)
        let yVar = y.reduce(0) { $0 + ($1 - yMean) * ($1 - yMean) } / Double(n)
        guard yVar > 1e-12 else { return nil }
        var xty = [Double](repeating: 0, count: k)
        var yy = 0.0
        for (i, r) in use.enumerated() {
            let yc = y[i] - yMean
            yy += yc * yc
            for j in 0..<k { xty[j] += Double(rows[r * k + j]) * yc }
        }
        let gram: [Double]
        if let cached = gramCache[use] {
            gram = cached
        } else {
            gram = LinearAlgebra.gram(rows: rows, use: use, weights: nil, k: k)
            gramCache[use] = gram
        }
        var own = lambda, relative = lambda
        var factor: [Double]?
        if choosePenalty {
            guard let chosen = choose(gram: gram, xty: xty, yy: yy, n: n, noiseFloor: Self.noiseFloorShare * yVar) else { return nil }
            (own, relative, factor) = (chosen.own, chosen.relative, chosen.chol)
        }
        let key = CholKey(use: use, own: own, relative: relative)
        let chol: [Double]
        let set: Int
        if let cached = cholCache[key] {
            (chol, set) = cached
        } else {
            if factor == nil {
                var g = gram
                for j in 0..<k { g[j * k + j] += prior(j, own: own, relative: relative) }
                guard LinearAlgebra.cholesky(&g, k) else { return nil }
                factor = g
            }
            chol = factor!
            set = addDirections(chol)
            cholCache[key] = (chol, set)
        }
        var w = LinearAlgebra.solve(chol, k, xty)
        // Residuals and effective degrees of freedom: df = k − Σ λⱼ (A⁻¹)ⱼⱼ.
        var rss = 0.0
        var fitted = [Double](repeating: 0, count: n)
        for (i, r) in use.enumerated() {
            var p = 0.0
            for j in 0..<k { p += Double(rows[r * k + j]) * w[j] }
            fitted[i] = p + yMean
            rss += (y[i] - fitted[i]) * (y[i] - fitted[i])
        }
        let inverseDiagonal = LinearAlgebra.inverseDiagonal(chol, k)
        var df = Double(k)
        for j in 0..<k { df -= prior(j, own: own, relative: relative) * inverseDiagonal[j] }
        var sigma2 = rss / max(Double(n) - df, 1)
        sigma2 = max(sigma2, Self.noiseFloorShare * yVar)
        if biasColumn < k { w[biasColumn] += yMean }
        var metrics = JSONObject()
        metrics["kind"] = .string("ridge")
        metrics["n"] = .number(n)
        metrics["train_rmse"] = .number(Self.round((rss / Double(n)).squareRoot()))
        metrics["train_spearman"] = spearman(fitted, y).map { .number(Self.round($0)) } ?? .null
        metrics["sigma"] = .number(Self.round(sigma2.squareRoot()))
        metrics["df"] = .number(Self.round(df))
        metrics["lambda"] = .number(Self.round(own))
        if relativeStart < width { metrics["lambda_relative"] = .number(Self.round(relative)) }
        metrics["lambda_chosen_by"] = .string(choosePenalty ? "marginal likelihood" : "fixed")
        return LinearFit(spec: spec, weights: w, sigma: sigma2.squareRoot(), noise: sigma2.squareRoot(), directionSet: set,
                         metrics: metrics, df: df)
    }

    mutating func fitLogistic(spec: TargetSpec, rows: [Float], use: [Int], y: [Double]) -> LinearFit? {
        let k = width
        let n = use.count
        guard n >= 2 else { return nil }
        let positives = y.reduce(0, +)
        guard positives > 0, positives < Double(n) else { return nil }
        var w = [Double](repeating: 0, count: k)
        let rate = min(max(positives / Double(n), 1e-3), 1 - 1e-3)
        w[biasColumn] = log(rate / (1 - rate))
        var chol = [Double](repeating: 0, count: k * k)
        for iteration in 0..<30 {
            var grad = [Double](repeating: 0, count: k)
            var curvature = [Double](repeating: 0, count: n)
            rows.withUnsafeBufferPointer { all in
                for (i, r) in use.enumerated() {
                    let x = UnsafeBufferPointer(rebasing: all[(r * k)..<((r + 1) * k)])
                    var z = 0.0
                    for j in 0..<k { z += Double(x[j]) * w[j] }
                    let p = 1 / (1 + exp(-z))
                    for j in 0..<k { grad[j] += (p - y[i]) * Double(x[j]) }
                    curvature[i] = max(p * (1 - p), 1e-6)
                }
            }
            var g = LinearAlgebra.gram(rows: rows, use: use, weights: curvature, k: k)
            for j in 0..<k {
                g[j * k + j] += prior(j)
                grad[j] += prior(j) * w[j]
            }
            guard LinearAlgebra.cholesky(&g, k) else { return nil }
            chol = g
            let step = LinearAlgebra.solve(chol, k, grad)
            var largest = 0.0
            for j in 0..<k {
                w[j] -= step[j]
                largest = max(largest, abs(step[j]))
            }
            if largest < 1e-4 || iteration == 29 { break }
        }
        // Laplace: the Hessian at the mode (the last factor is one step behind; close enough at convergence).
        let set = addDirections(chol)
        var correct = 0
        var logLoss = 0.0
        var fitted = [Double](repeating: 0, count: n)
        for (i, r) in use.enumerated() {
            var z = 0.0
            for j in 0..<k { z += Double(rows[r * k + j]) * w[j] }
            let p = min(max(1 / (1 + exp(-z)), 1e-9), 1 - 1e-9)
            fitted[i] = p
            if (p >= 0.5) == (y[i] >= 0.5) { correct += 1 }
            logLoss -= y[i] >= 0.5 ? log(p) : log(1 - p)
        }
        var metrics = JSONObject()
        metrics["kind"] = .string("logistic")
        metrics["n"] = .number(n)
        metrics["positives"] = .number(Int(positives))
        metrics["train_accuracy"] = .number(Self.round(Double(correct) / Double(n)))
        metrics["train_log_loss"] = .number(Self.round(logLoss / Double(n)))
        return LinearFit(spec: spec, weights: w, sigma: 1, noise: 0, directionSet: set, metrics: metrics, df: 0)
    }

    /// Adds a direction set made elsewhere (`samples` vectors of `width`); returns its index.
    mutating func addDirections(custom set: [[Double]]) -> Int {
        directionSets.append(set)
        return directionSets.count - 1
    }

    /// Draws `samples` directions uᵐ = L⁻ᵀ zᵐ ~ N(0, (LLᵀ)⁻¹).
    private mutating func addDirections(_ chol: [Double]) -> Int {
        var gauss = GaussianSource(seed: seed &+ UInt64(directionSets.count) &* 0x9E37_79B9)
        var set: [[Double]] = []
        for _ in 0..<samples {
            let z = (0..<width).map { _ in gauss.next() }
            set.append(LinearAlgebra.backward(chol, width, z))
        }
        directionSets.append(set)
        return directionSets.count - 1
    }

    static func round(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }
}

/// Scores every pool row with every fitted target in one pass (SIMD, both cores).
struct PoolScorer {
    var fits: [LinearFit]
    var directionSets: [[[Double]]]
    var samples: Int
    /// Whether the weights end in a relative block (the dense features minus their group's mean).
    var relative = false

    struct Output {
        var mean: [[Float]]
        var std: [[Float]]
        /// What the queue ranks by: the rank uncertainty (`RankUncertainty`) when the overall score is
        /// fitted, else the mean over targets of the std relative to the target's range.
        var uncertainty: [Float]
    }

    /// `mean`/`scale` standardize raw rows: x' = (x − mean) / scale. Folded into the weights here.
    func score(matrix: FeatureMatrix, mean: [Float], scale: [Float]) -> Output {
        let k = matrix.width
        let n = matrix.count
        let t = fits.count
        let columns = t + directionSets.count * samples
        let padded = (columns + 7) / 8 * 8
        let lanes = padded / 8
        // W (k × padded), raw space; R (d × padded): the relative block's weights (`relativeColumns`), raw space (no centering:
        // a row minus its group's mean has the pool mean taken out already), less W's (below).
        let d = relative ? matrix.relativeColumns.count : 0
        let denseOffset = matrix.relativeColumns.lowerBound
        var w = [Float](repeating: 0, count: k * padded)
        var rw = [Float](repeating: 0, count: max(d, 1) * padded)
        func put(_ column: Int, _ v: [Double]) {
            var adjust = 0.0
            for j in 0..<k {
                let s = Double(scale[j])
                w[j * padded + column] = Float(v[j] / s)
                adjust += v[j] * Double(mean[j]) / s
            }
            w[matrix.biasColumn * padded + column] -= Float(adjust)
            // An item of a group of two or more is scored as w·x̄ + r·(x − x̄) (x̄: its group's mean) =
            // w·x + (r − w)·(x − x̄) on the relative columns; R holds r − w.
            for j in 0..<d {
                rw[j * padded + column] = Float(v[k + j] / Double(scale[denseOffset + j])) - w[(denseOffset + j) * padded + column]
            }
        }
        let siblings = d > 0 ? matrix.siblings() : FeatureMatrix.Siblings(slot: [], means: [], count: 0)
        for (c, fit) in fits.enumerated() { put(c, fit.weights) }
        for (s, set) in directionSets.enumerated() {
            for (m, u) in set.enumerated() { put(t + s * samples + m, u) }
        }
        var means = [[Float]](repeating: [Float](repeating: 0, count: n), count: t)
        var stds = [[Float]](repeating: [Float](repeating: 0, count: n), count: t)
        var uncertainty = [Float](repeating: 0, count: n)
        let chunk = 2048
        let chunks = (n + chunk - 1) / chunk
        let meanPointers = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: max(t, 1))
        let stdPointers = UnsafeMutablePointer<UnsafeMutablePointer<Float>>.allocate(capacity: max(t, 1))
        defer {
            meanPointers.deallocate()
            stdPointers.deallocate()
        }
        let meanBuffers = (0..<t).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1)) }
        let stdBuffers = (0..<t).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(n, 1)) }
        defer {
            meanBuffers.forEach { $0.deallocate() }
            stdBuffers.forEach { $0.deallocate() }
        }
        for c in 0..<t {
            meanPointers[c] = meanBuffers[c]
            stdPointers[c] = stdBuffers[c]
        }
        let specs = fits.map(\.spec)
        let sigmas = fits.map { Float($0.sigma) }
        let noises = fits.map { Float($0.noise * $0.noise) }
        let overallIndex = specs.firstIndex(where: { $0.id == RewardModel.overallTarget })
        // The overall target's std of the mean alone: what the queue's rank uncertainty is computed from.
        var epistemic = [Float](repeating: 0, count: overallIndex == nil ? 0 : n)
        let sets = fits.map(\.directionSet)
        let samples = self.samples
        let groups = directionSets.count
        epistemic.withUnsafeMutableBufferPointer { epi in
        nonisolated(unsafe) let epiPointer = epi.baseAddress
        uncertainty.withUnsafeMutableBufferPointer { unc in
            nonisolated(unsafe) let uncPointer = unc.baseAddress!
            nonisolated(unsafe) let mp = meanPointers
            nonisolated(unsafe) let sp = stdPointers
            w.withUnsafeBufferPointer { wb in
              rw.withUnsafeBufferPointer { rwb in
                matrix.values.withUnsafeBufferPointer { xb in
                  siblings.slot.withUnsafeBufferPointer { slotb in
                   siblings.means.withUnsafeBufferPointer { meansb in
                    nonisolated(unsafe) let wp = wb.baseAddress!
                    nonisolated(unsafe) let rwp = rwb.baseAddress!
                    nonisolated(unsafe) let xp = xb.baseAddress!
                    nonisolated(unsafe) let slots = slotb
                    nonisolated(unsafe) let groupMeans = meansb
                    DispatchQueue.concurrentPerform(iterations: chunks) { ci in
                        let acc = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: lanes)
                        defer { acc.deallocate() }
                        var rms = [Float](repeating: 0, count: groups)
                        let wv = UnsafeRawPointer(wp).assumingMemoryBound(to: SIMD8<Float>.self)
                        for r in (ci * chunk)..<min(n, (ci + 1) * chunk) {
                            for l in 0..<lanes { acc[l] = .zero }
                            let x = xp + r * k
                            for j in 0..<k {
                                let xj = x[j]
                                if xj == 0 { continue }
                                let row = wv + j * lanes
                                let s = SIMD8<Float>(repeating: xj)
                                for l in 0..<lanes { acc[l] += s * row[l] }
                            }
                            if d > 0, slots[r] >= 0 {
                                let m = groupMeans.baseAddress! + Int(slots[r]) * d
                                let rv = UnsafeRawPointer(rwp).assumingMemoryBound(to: SIMD8<Float>.self)
                                for j in 0..<d {
                                    let delta = x[denseOffset + j] - m[j]
                                    if delta == 0 { continue }
                                    let row = rv + j * lanes
                                    let s = SIMD8<Float>(repeating: delta)
                                    for l in 0..<lanes { acc[l] += s * row[l] }
                                }
                            }
                            let a = UnsafeRawPointer(acc).assumingMemoryBound(to: Float.self)
                            for g in 0..<groups {
                                var sum: Float = 0
                                for m in 0..<samples {
                                    let v = a[t + g * samples + m]
                                    sum += v * v
                                }
                                rms[g] = (sum / Float(samples)).squareRoot()
                            }
                            var total: Float = 0
                            for c in 0..<t {
                                let spec = specs[c]
                                let s = rms[sets[c]]
                                switch spec.kind {
                                case .ridge:
                                    let m = min(max(a[c], Float(spec.low)), Float(spec.high))
                                    let sd = sigmas[c] * s
                                    mp[c][r] = m
                                    sp[c][r] = (noises[c] + sd * sd).squareRoot()
                                    if c == overallIndex { epiPointer![r] = sd }
                                    total += sd / Float(max(spec.high - spec.low, 1e-9))
                                case .logistic:
                                    let z = a[c] / (1 + Float.pi * s * s / 8).squareRoot()
                                    let p = 1 / (1 + exp(-z))
                                    let spread = min(0.5, p * (1 - p) * s)
                                    mp[c][r] = p
                                    sp[c][r] = spread
                                    total += 2 * spread
                                }
                            }
                            uncPointer[r] = t > 0 ? total / Float(t) : 0
                        }
                    }
                   }
                  }
                }
              }
            }
        }
        }
        for c in 0..<t {
            means[c] = Array(UnsafeBufferPointer(start: meanBuffers[c], count: n))
            stds[c] = Array(UnsafeBufferPointer(start: stdBuffers[c], count: n))
        }
        if let overall = overallIndex {
            uncertainty = RankUncertainty.shares(mean: means[overall], std: epistemic)
        }
        return Output(mean: means, std: stds, uncertainty: uncertainty)
    }
}
