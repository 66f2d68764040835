import Foundation
import GRDB

/// The pool's features in memory, in the reduced dense space the learner works in: the hashed n-gram
/// buckets folded (signed) into `foldedBuckets` columns, then the dense features, then the imported
/// embedding (L2-normalized, when every item has one), then a constant 1 (bias).
///
/// The worker keeps one across refits and only reads items added since (items are never deleted and
/// their features never change for a feature version), so a refit does not decode 158k blobs again.
/// Not thread-safe: one owner (a `Worker`, or one `refit` call).
public final class FeatureMatrix: @unchecked Sendable {
    public let foldedBuckets: Int
    public private(set) var embeddingDimension = 0
    public private(set) var ids: [Int64] = []
    public private(set) var row: [Int64: Int] = [:]
    /// Row-major, `width` floats per item.
    public private(set) var values: [Float] = []
    /// Each row's candidate group (an index into the groups seen so far).
    public private(set) var groupOf: [Int32] = []
    private var groupIndex: [String: Int32] = [:]
    private var groupSize: [Int32] = []
    private var siblingCache: Siblings?
    private var embeddingCount = -1
    private let fold: [(Int32, Float)]

    public init(foldedBuckets: Int = 128) {
        precondition(foldedBuckets > 0)
        self.foldedBuckets = foldedBuckets
        fold = (0..<FeatureExtractor.hashBuckets).map { i in
            let h = FNV1a.mix(FNV1a.mix(FNV1a.offset, 0x464F4C44), UInt32(i))
            return (Int32(truncatingIfNeeded: (h >> 4) % UInt64(foldedBuckets)), (h >> 62) & 1 == 0 ? 1 : -1)
        }
    }

    public var count: Int { ids.count }
    public var denseOffset: Int { foldedBuckets }
    public var embeddingOffset: Int { foldedBuckets + FeatureExtractor.denseCount }
    public var biasColumn: Int { embeddingOffset + embeddingDimension }
    public var width: Int { biasColumn + 1 }
    /// The columns that get a copy relative to the item's siblings: every column but the bias.
    public var relativeColumns: Range<Int> { 0..<biasColumn }

    /// Reads what is new since the last call, in `db` (the caller's snapshot). Items without cached
    /// features of the current version are featurized here (not stored; the worker's feature pass does that).
    public func update(_ db: Database) throws {
        let (n, lo, hi) = try Embeddings.stats(db)
        let itemCount = try Item.count(db)
        let newDimension = (n > 0 && n == itemCount && lo == hi) ? hi : 0
        if n != embeddingCount || newDimension != embeddingDimension {
            // Embeddings changed: start over with the new width.
            embeddingCount = n
            embeddingDimension = newDimension
            ids = []
            row = [:]
            values = []
            groupOf = []
            groupIndex = [:]
            groupSize = []
        }
        siblingCache = nil
        let lastId = ids.last ?? Int64.min
        let w = width
        try FeatureMatrix.forEachSource(db, after: lastId, embeddings: embeddingDimension > 0) { r in
            let id = r.id
            var vector: FeatureVector?
            if let version = r.featureVersion, version == FeatureExtractor.version, let blob = r.features {
                vector = FeatureVector(blob: blob)
            }
            if vector == nil, let item = try Item.fetch(db, id: id) {
                vector = FeatureExtractor.features(of: item, siblings: try FeatureCache.siblings(db, of: [item])[id] ?? [])
            }
            var dense = [Float](repeating: 0, count: w)
            if let vector { project(vector, into: &dense) }
            if embeddingDimension > 0, let blob = r.embedding {
                let e = Embeddings.decode(blob)
                let norm = e.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
                if norm > 0, e.count == embeddingDimension {
                    for j in 0..<embeddingDimension { dense[embeddingOffset + j] = e[j] / norm }
                }
            }
            dense[biasColumn] = 1
            let key = r.group
            let g: Int32
            if let known = groupIndex[key] {
                g = known
                groupSize[Int(g)] += 1
            } else {
                g = Int32(groupSize.count)
                groupIndex[key] = g
                groupSize.append(1)
            }
            groupOf.append(g)
            row[id] = ids.count
            ids.append(id)
            values.append(contentsOf: dense)
        }
    }

    /// The groups of two or more items: per row the index of its group among them (−1 for an item alone in
    /// its group), and the mean raw `relativeColumns` of each such group.
    /// Features relative to siblings are a row's dense block minus its group's mean.
    struct Siblings {
        var slot: [Int32]
        var means: [Float]
        var count: Int
    }

    func siblings() -> Siblings {
        if let siblingCache { return siblingCache }
        let d = relativeColumns.count, first = relativeColumns.lowerBound, w = width
        var slotOfGroup = [Int32](repeating: -1, count: groupSize.count)
        var count = 0
        for (g, size) in groupSize.enumerated() where size >= 2 {
            slotOfGroup[g] = Int32(count)
            count += 1
        }
        var slot = [Int32](repeating: -1, count: ids.count)
        var sums = [Double](repeating: 0, count: count * d)
        values.withUnsafeBufferPointer { v in
            for r in 0..<ids.count {
                let s = slotOfGroup[Int(groupOf[r])]
                slot[r] = s
                guard s >= 0 else { continue }
                let base = r * w + first, out = Int(s) * d
                for j in 0..<d { sums[out + j] += Double(v[base + j]) }
            }
        }
        var means = [Float](repeating: 0, count: count * d)
        for (g, size) in groupSize.enumerated() where slotOfGroup[g] >= 0 {
            let out = Int(slotOfGroup[g]) * d
            for j in 0..<d { means[out + j] = Float(sums[out + j] / Double(size)) }
        }
        let result = Siblings(slot: slot, means: means, count: count)
        siblingCache = result
        return result
    }

    func project(_ vector: FeatureVector, into dense: inout [Float]) {
        let buckets = FeatureExtractor.hashBuckets
        for (i, v) in zip(vector.indices, vector.values) {
            let index = Int(i)
            if index < buckets {
                let (b, s) = fold[index]
                dense[Int(b)] += s * v
            } else if index - buckets < FeatureExtractor.denseCount {
                dense[denseOffset + index - buckets] = v
            }
        }
    }

    /// Mean and standard deviation of each column over the pool (bias: 0 and 1; folded columns are left
    /// as they are: mean 0, std 1).
    func columnScaling() -> (mean: [Float], scale: [Float]) {
        let w = width
        var mean = [Float](repeating: 0, count: w)
        var scale = [Float](repeating: 1, count: w)
        guard count > 0 else { return (mean, scale) }
        let first = denseOffset, end = embeddingOffset
        var sum = [Double](repeating: 0, count: end - first)
        var sq = [Double](repeating: 0, count: end - first)
        values.withUnsafeBufferPointer { v in
            for r in 0..<count {
                let base = r * w + first
                for j in 0..<(end - first) {
                    let x = Double(v[base + j])
                    sum[j] += x
                    sq[j] += x * x
                }
            }
        }
        for j in 0..<(end - first) {
            let m = sum[j] / Double(count)
            let variance = max(0, sq[j] / Double(count) - m * m)
            mean[first + j] = Float(m)
            // The dense block is scaled to about the size of one hashed namespace.
            scale[first + j] = variance > 1e-12 ? Float(variance.squareRoot() * 2) : 1
        }
        return (mean, scale)
    }
}
