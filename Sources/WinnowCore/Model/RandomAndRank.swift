import Foundation

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
