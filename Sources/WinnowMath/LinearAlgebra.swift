import Foundation

/// The few dense numerics the reward model needs (symmetric positive definite systems of a few hundred
/// unknowns), in plain Swift so no BLAS is required. A target of its own so that it is compiled
/// optimised in every configuration (see Package.swift): the learner's penalty search runs a Cholesky
/// factorisation per candidate, which unoptimised debug builds (the test suite's) made minutes slower.
public enum LinearAlgebra {
    // The three loops below run on raw pointers with `while`: the same arithmetic as indexing arrays,
    // but unoptimised (debug) builds, which the test suite runs, do not pay a call per element access
    // and per range step, which made a Cholesky of the learner's systems about 10x slower there.

    /// In-place Cholesky factor of the k×k symmetric positive definite `a` (row-major): on return the
    /// lower triangle holds L with A = L·Lᵀ. Returns false when `a` is not positive definite.
    public static func cholesky(_ a: inout [Double], _ k: Int) -> Bool {
        precondition(a.count >= k * k)
        return a.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let m = buffer.baseAddress else { return k == 0 }
            var j = 0
            while j < k {
                let rowJ = m + j * k
                var d = rowJ[j]
                var p = 0
                while p < j {
                    d -= rowJ[p] * rowJ[p]
                    p += 1
                }
                guard d > 0, d.isFinite else { return false }
                let ljj = d.squareRoot()
                rowJ[j] = ljj
                var i = j + 1
                while i < k {
                    let rowI = m + i * k
                    var s = rowI[j]
                    p = 0
                    while p < j {
                        s -= rowI[p] * rowJ[p]
                        p += 1
                    }
                    rowI[j] = s / ljj
                    i += 1
                }
                j += 1
            }
            var i = 0
            while i < k {
                var c = i + 1
                while c < k {
                    m[i * k + c] = 0
                    c += 1
                }
                i += 1
            }
            return true
        }
    }

    /// Solves L·x = b (L lower triangular, row-major k×k).
    public static func forward(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        precondition(l.count >= k * k && b.count >= k)
        var x = b
        l.withUnsafeBufferPointer { lb in
            x.withUnsafeMutableBufferPointer { xb in
                guard let lp = lb.baseAddress, let xp = xb.baseAddress else { return }
                var i = 0
                while i < k {
                    let row = lp + i * k
                    var s = xp[i]
                    var p = 0
                    while p < i {
                        s -= row[p] * xp[p]
                        p += 1
                    }
                    xp[i] = s / row[i]
                    i += 1
                }
            }
        }
        return x
    }

    /// Solves Lᵀ·x = b.
    public static func backward(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        precondition(l.count >= k * k && b.count >= k)
        var x = b
        l.withUnsafeBufferPointer { lb in
            x.withUnsafeMutableBufferPointer { xb in
                guard let lp = lb.baseAddress, let xp = xb.baseAddress else { return }
                var i = k - 1
                while i >= 0 {
                    var s = xp[i]
                    var p = i + 1
                    while p < k {
                        s -= lp[p * k + i] * xp[p]
                        p += 1
                    }
                    xp[i] = s / lp[i * k + i]
                    i -= 1
                }
            }
        }
        return x
    }

    /// Solves (L·Lᵀ)·x = b.
    public static func solve(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        backward(l, k, forward(l, k, b))
    }

    /// Diagonal of (L·Lᵀ)⁻¹.
    public static func inverseDiagonal(_ l: [Double], _ k: Int) -> [Double] {
        // (LLᵀ)⁻¹ = L⁻ᵀL⁻¹; its diagonal is the column sums of squares of L⁻¹.
        var diag = [Double](repeating: 0, count: k)
        var e = [Double](repeating: 0, count: k)
        for j in 0..<k {
            e[j] = 1
            let col = forward(l, k, e)
            e[j] = 0
            for i in j..<k { diag[i] += col[i] * col[i] }
        }
        return diag
    }

    /// Adds w·x·xᵀ to the upper triangle of the k×k Gram `g`.
    @inline(__always)
    public static func addOuter(_ g: inout [Double], _ x: UnsafeBufferPointer<Float>, _ w: Double, _ k: Int) {
        let xd = x.map(Double.init)
        g.withUnsafeMutableBufferPointer { gp in
            xd.withUnsafeBufferPointer { xp in
                for i in 0..<k {
                    let xi = xp[i] * w
                    if xi == 0 { continue }
                    let row = gp.baseAddress! + i * k
                    for j in i..<k { row[j] += xi * xp[j] }
                }
            }
        }
    }

    /// Σᵢ wᵢ·xᵢ·xᵢᵀ over the rows `use` of `rows` (k floats each), on every core; full symmetric k×k.
    public static func gram(rows: [Float], use: [Int], weights: [Double]?, k: Int) -> [Double] {
        let parts = min(max(1, use.count / 256), ProcessInfo.processInfo.activeProcessorCount, 8)
        let partials = UnsafeMutablePointer<[Double]>.allocate(capacity: parts)
        partials.initialize(repeating: [], count: parts)
        defer {
            partials.deinitialize(count: parts)
            partials.deallocate()
        }
        nonisolated(unsafe) let out = partials
        rows.withUnsafeBufferPointer { all in
            nonisolated(unsafe) let base = all
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                var g = [Double](repeating: 0, count: k * k)
                var i = p
                while i < use.count {
                    let r = use[i]
                    addOuter(&g, UnsafeBufferPointer(rebasing: base[(r * k)..<((r + 1) * k)]), weights?[i] ?? 1, k)
                    i += parts
                }
                out[p] = g
            }
        }
        var g = partials[0]
        for p in 1..<parts { for j in 0..<(k * k) { g[j] += partials[p][j] } }
        symmetrize(&g, k)
        return g
    }

    public static func symmetrize(_ g: inout [Double], _ k: Int) {
        for i in 0..<k { for j in 0..<i { g[i * k + j] = g[j * k + i] } }
    }
}
