import Foundation

/// The few dense numerics the reward model needs (symmetric positive definite systems of a few hundred
/// unknowns), in plain Swift so no BLAS is required.
enum LinearAlgebra {
    /// In-place Cholesky factor of the k×k symmetric positive definite `a` (row-major): on return the
    /// lower triangle holds L with A = L·Lᵀ. Returns false when `a` is not positive definite.
    static func cholesky(_ a: inout [Double], _ k: Int) -> Bool {
        for j in 0..<k {
            var d = a[j * k + j]
            for p in 0..<j { d -= a[j * k + p] * a[j * k + p] }
            guard d > 0, d.isFinite else { return false }
            let ljj = d.squareRoot()
            a[j * k + j] = ljj
            for i in (j + 1)..<max(j + 1, k) {
                var s = a[i * k + j]
                for p in 0..<j { s -= a[i * k + p] * a[j * k + p] }
                a[i * k + j] = s / ljj
            }
        }
        for i in 0..<k { for j in (i + 1)..<max(i + 1, k) { a[i * k + j] = 0 } }
        return true
    }

    /// Solves L·x = b (L lower triangular, row-major k×k).
    static func forward(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in 0..<k {
            var s = x[i]
            for p in 0..<i { s -= l[i * k + p] * x[p] }
            x[i] = s / l[i * k + i]
        }
        return x
    }

    /// Solves Lᵀ·x = b.
    static func backward(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        var x = b
        for i in stride(from: k - 1, through: 0, by: -1) {
            var s = x[i]
            for p in (i + 1)..<max(i + 1, k) { s -= l[p * k + i] * x[p] }
            x[i] = s / l[i * k + i]
        }
        return x
    }

    /// Solves (L·Lᵀ)·x = b.
    static func solve(_ l: [Double], _ k: Int, _ b: [Double]) -> [Double] {
        backward(l, k, forward(l, k, b))
    }

    /// Diagonal of (L·Lᵀ)⁻¹.
    static func inverseDiagonal(_ l: [Double], _ k: Int) -> [Double] {
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
    static func addOuter(_ g: inout [Double], _ x: UnsafeBufferPointer<Float>, _ w: Double, _ k: Int) {
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
    static func gram(rows: [Float], use: [Int], weights: [Double]?, k: Int) -> [Double] {
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

    static func symmetrize(_ g: inout [Double], _ k: Int) {
        for i in 0..<k { for j in 0..<i { g[i * k + j] = g[j * k + i] } }
    }
}

/// Standard normal draws from a seeded generator (Box–Muller).
struct GaussianSource {
    var generator: SeededGenerator
    private var spare: Double?

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next() -> Double {
        if let s = spare {
            spare = nil
            return s
        }
        var u1 = 0.0
        repeat { u1 = Double(generator.next() >> 11) / Double(1 << 53) } while u1 <= 0
        let u2 = Double(generator.next() >> 11) / Double(1 << 53)
        let r = (-2 * log(u1)).squareRoot()
        spare = r * sin(2 * .pi * u2)
        return r * cos(2 * .pi * u2)
    }
}

/// Spearman rank correlation (average ranks for ties); nil when either side is constant.
public func spearman(_ a: [Double], _ b: [Double]) -> Double? {
    guard a.count == b.count, a.count > 1 else { return nil }
    func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, v[order[j + 1]] == v[order[i]] { j += 1 }
            let avg = Double(i + j) / 2
            for p in i...j { r[order[p]] = avg }
            i = j + 1
        }
        return r
    }
    let ra = ranks(a), rb = ranks(b)
    let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in ra.indices {
        sab += (ra[i] - ma) * (rb[i] - mb)
        saa += (ra[i] - ma) * (ra[i] - ma)
        sbb += (rb[i] - mb) * (rb[i] - mb)
    }
    guard saa > 0, sbb > 0 else { return nil }
    return sab / (saa * sbb).squareRoot()
}
