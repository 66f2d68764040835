import Foundation

/// Bradley-Terry (pairwise logistic) regression with a Gaussian prior, fitted by Newton's method, with
/// its Laplace approximation: the posterior N(w*, H⁻¹) and the log evidence, which chooses the prior.
///
/// Each row zₚ is the difference of two items' features, the first preferred: P(first ≻ second) =
/// σ(w·zₚ). The MAP weights maximise Σₚ log σ(w·zₚ) − λ/2·|w|²; H = Σₚ σ(1 − σ)·zₚzₚᵀ + λI at the mode.
/// The log evidence is approximated (Laplace) by log p(D | w*) − λ/2·|w*|² + k/2·log λ − ½·log det H.
///
/// Example: `PairwiseLogistic.fitChoosingPenalty(z: differences, count: p, k: d)` returns the weights,
/// the Cholesky factor of H (draws of the posterior are L⁻ᵀ·ε) and the penalty the evidence chose.
public enum PairwiseLogistic {
    public struct Fit: Sendable {
        public var weights: [Double]
        /// Lower Cholesky factor of the posterior precision H (row-major k×k).
        public var chol: [Double]
        public var lambda: Double
        public var logEvidence: Double
        public var iterations: Int
    }

    /// z·w for each of the `count` rows (k floats each).
    public static func margins(_ z: [Float], count: Int, k: Int, _ w: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        z.withUnsafeBufferPointer { zb in
            w.withUnsafeBufferPointer { wb in
                out.withUnsafeMutableBufferPointer { ob in
                    guard let zp = zb.baseAddress, let wp = wb.baseAddress, let op = ob.baseAddress else { return }
                    var r = 0
                    while r < count {
                        let row = zp + r * k
                        var s = 0.0
                        var j = 0
                        while j < k {
                            s += Double(row[j]) * wp[j]
                            j += 1
                        }
                        op[r] = s
                        r += 1
                    }
                }
            }
        }
        return out
    }

    /// Σᵣ v[r]·z[r] (a k-vector).
    static func transposedProduct(_ z: [Float], count: Int, k: Int, _ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: k)
        z.withUnsafeBufferPointer { zb in
            v.withUnsafeBufferPointer { vb in
                out.withUnsafeMutableBufferPointer { ob in
                    guard let zp = zb.baseAddress, let vp = vb.baseAddress, let op = ob.baseAddress else { return }
                    var r = 0
                    while r < count {
                        let row = zp + r * k
                        let c = vp[r]
                        if c != 0 {
                            var j = 0
                            while j < k {
                                op[j] += c * Double(row[j])
                                j += 1
                            }
                        }
                        r += 1
                    }
                }
            }
        }
        return out
    }

    @inline(__always) static func logSigmoid(_ m: Double) -> Double {
        m >= 0 ? -log1p(exp(-m)) : m - log1p(exp(m))
    }

    /// The MAP fit at prior precision `lambda`, from `start` (warm start) or zero. Nil when the system is
    /// not positive definite (cannot happen for λ > 0 and finite rows) or a row is not finite.
    public static func fit(z: [Float], count: Int, k: Int, lambda: Double, start: [Double]? = nil,
                           maxIterations: Int = 30, tolerance: Double = 1e-4) -> Fit? {
        guard k > 0, count > 0, lambda > 0, z.count >= count * k else { return nil }
        var w = start ?? [Double](repeating: 0, count: k)
        var chol = [Double](repeating: 0, count: k * k)
        var iterations = 0
        var margins = self.margins(z, count: count, k: k, w)
        func objective(_ m: [Double], _ w: [Double]) -> Double {
            var s = 0.0
            for x in m { s += logSigmoid(x) }
            var norm = 0.0
            for x in w { norm += x * x }
            return s - lambda / 2 * norm
        }
        var current = objective(margins, w)
        while iterations < maxIterations {
            iterations += 1
            var residual = [Double](repeating: 0, count: count)
            var curvature = [Double](repeating: 0, count: count)
            for r in 0..<count {
                let p = 1 / (1 + exp(-margins[r]))
                residual[r] = 1 - p
                curvature[r] = max(p * (1 - p), 1e-10)
            }
            var gradient = transposedProduct(z, count: count, k: k, residual)
            for j in 0..<k { gradient[j] -= lambda * w[j] }
            var h = LinearAlgebra.gram(rows: z, use: Array(0..<count), weights: curvature, k: k)
            for j in 0..<k { h[j * k + j] += lambda }
            guard LinearAlgebra.cholesky(&h, k) else { return nil }
            chol = h
            let step = LinearAlgebra.solve(chol, k, gradient)
            // Newton step, halved until the objective does not fall (the log-likelihood is concave, so a
            // full step almost always helps; the guard keeps badly scaled rows from diverging).
            var scale = 1.0
            var next = w, nextMargins = margins, nextValue = current
            for _ in 0..<20 {
                for j in 0..<k { next[j] = w[j] + scale * step[j] }
                nextMargins = self.margins(z, count: count, k: k, next)
                nextValue = objective(nextMargins, next)
                if nextValue.isFinite && nextValue >= current - 1e-12 { break }
                scale /= 2
            }
            guard nextValue.isFinite else { return nil }
            var largest = 0.0
            for j in 0..<k { largest = max(largest, abs(next[j] - w[j])) }
            let gain = nextValue - current
            w = next
            margins = nextMargins
            current = nextValue
            // Converged: the weights barely move, or the objective gains less than 1e-7 of its size.
            if largest < tolerance || gain < 1e-7 * max(abs(current), 1) { break }
        }
        // The factor at the mode, for the posterior and the evidence.
        var curvature = [Double](repeating: 0, count: count)
        for r in 0..<count {
            let p = 1 / (1 + exp(-margins[r]))
            curvature[r] = max(p * (1 - p), 1e-10)
        }
        var h = LinearAlgebra.gram(rows: z, use: Array(0..<count), weights: curvature, k: k)
        for j in 0..<k { h[j * k + j] += lambda }
        guard LinearAlgebra.cholesky(&h, k) else { return nil }
        chol = h
        var logDet = 0.0
        for j in 0..<k { logDet += 2 * log(chol[j * k + j]) }
        let evidence = current + Double(k) / 2 * log(lambda) - logDet / 2
        return Fit(weights: w, chol: chol, lambda: lambda, logEvidence: evidence, iterations: iterations)
    }

    /// Penalties tried: 10⁻² … 10⁴ (decades), then the half decades either side of the best.
    public static let decades = [-2.0, -1, 0, 1, 2, 3, 4]

    /// The fit whose prior precision has the highest Laplace evidence over `decades` and the half
    /// decades around the best (each fit warm-started from the previous one).
    public static func fitChoosingPenalty(z: [Float], count: Int, k: Int, decades: [Double] = decades) -> Fit? {
        var best: Fit?
        var warm: [Double]?
        // From the strongest penalty down: each solution is a good start for the next, weaker one.
        for d in decades.sorted(by: >) {
            guard let f = fit(z: z, count: count, k: k, lambda: pow(10, d), start: warm) else { continue }
            warm = f.weights
            if best == nil || f.logEvidence > best!.logEvidence + 1e-9 { best = f }
        }
        guard let chosen = best else { return nil }
        let center = log10(chosen.lambda)
        for d in [center + 0.5, center - 0.5] {
            guard let f = fit(z: z, count: count, k: k, lambda: pow(10, d), start: chosen.weights) else { continue }
            if f.logEvidence > best!.logEvidence + 1e-9 { best = f }
        }
        return best
    }
}
