import Foundation
import GRDB

/// `winnow simulate`: replays labeling against an oracle to show whether uncertainty-first serving pays.
///
/// Per seed: about `heldOutShare` of the pool is held out (whole components of "shares a group or an
/// image", so no question or image is on both sides), a small random seed set is labeled, then in
/// `steps` steps up to `budget` labels each strategy refits (`RewardModel.fit`, as the worker does) and
/// picks the next batch; after every refit the held-out Spearman (predicted overall vs the oracle's true
/// overall) and within-group pairwise accuracy are recorded. Strategies start from the same held-out set
/// and seed set within a seed. Curves are averaged over seeds.
public enum Simulation {
    public enum Strategy: String, Sendable, CaseIterable {
        /// The worker's queue: `QueuePolicy.order` under the current fit, with exploration and diversity.
        case uncertainty
        /// Seeded random order.
        case random
        /// Most uncertain first, nothing else (no exploration, no diversity rules).
        case greedy
    }

    public struct Options: Sendable {
        public var seeds = 20
        public var budget = 300
        public var strategies: [Strategy] = [.uncertainty, .random]
        public var heldOutShare = 0.2
        public var steps = 10
        /// The random seed set; default max(model minimum, budget / 10).
        public var initial: Int?
        public var exploreFraction = 0.1
        public var seed: UInt64 = 1
        public var model = RewardModel.Options()
        public init() {}

        var initialCount: Int { min(budget, initial ?? max(model.minimumLabels, budget / 10)) }

        /// Label counts at which the model is refitted and measured.
        var checkpoints: [Int] {
            let start = initialCount
            var result: [Int] = []
            for i in 0...max(steps, 1) {
                let c = start + Int((Double(budget - start) * Double(i) / Double(max(steps, 1))).rounded())
                if result.last != c { result.append(c) }
            }
            return result
        }
    }

    /// What the oracle says: the labels it gives for an item when asked, and the truth it is measured on.
    public struct Oracle: Sendable {
        public var labels: [Int64: [TargetLabel]]
        /// The true overall score (synthetic: without annotator noise; a labels file: its labels' overall).
        public var truth: [Int64: Double]
        public init(labels: [Int64: [TargetLabel]], truth: [Int64: Double]) {
            self.labels = labels
            self.truth = truth
        }
    }

    /// A pool ready to simulate on: features, items and the oracle.
    public struct Pool: @unchecked Sendable {
        public var matrix: FeatureMatrix
        public var rubric: Rubric
        public var items: [Int64: EvaluationItem]
        public var simhash: [Int64: UInt64]
        public var oracle: Oracle
    }

    public struct Point: Sendable, Equatable {
        public var labels: Int
        public var spearman: Double?
        public var pairwiseAccuracy: Double?
    }

    public struct Result: Sendable {
        public var budget: Int
        public var seeds: Int
        public var poolItems: Int
        public var heldOutItems: Int
        /// Strategy name → the mean curve over seeds, in `Options.strategies` order.
        public var curves: [(name: String, curve: [Point])]
        /// Strategy name → per seed curves.
        public var perSeed: [String: [[Point]]]
        public var randomFinalSpearman: Double?
        /// The fewest labels at which uncertainty's mean curve reaches random's final mean Spearman.
        public var labelsToMatchRandom: Int?
        public var labelShareToMatchRandom: Double? { labelsToMatchRandom.map { Double($0) / Double(budget) } }

        public func curve(_ name: String) -> [Point]? { curves.first { $0.name == name }?.curve }

        /// Area under a curve's held-out Spearman over labels, divided by the labels it spans (the mean
        /// Spearman along the curve, trapezoids); nil when a point has no Spearman.
        static func area(_ curve: [Point]) -> Double? {
            guard curve.count >= 2, let first = curve.first?.labels, let last = curve.last?.labels, last > first else { return nil }
            var sum = 0.0
            for i in 1..<curve.count {
                guard let a = curve[i - 1].spearman, let b = curve[i].spearman else { return nil }
                sum += (a + b) / 2 * Double(curve[i].labels - curve[i - 1].labels)
            }
            return sum / Double(last - first)
        }

        /// Per strategy: the mean area over seeds and the 95% interval (normal, over seeds) of its per-seed
        /// difference from random's area on the same seed.
        public func areas() -> [(name: String, area: Double?, low: Double?, high: Double?)] {
            let random = perSeed[Strategy.random.rawValue] ?? []
            return curves.map { c in
                let mine = (perSeed[c.name] ?? []).map(Self.area)
                let values = mine.compactMap { $0 }
                let mean = values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
                guard c.name != Strategy.random.rawValue, random.count == mine.count else { return (c.name, mean, nil, nil) }
                let d = zip(mine, random.map(Self.area)).compactMap { a, b -> Double? in
                    guard let a, let b else { return nil }
                    return a - b
                }
                guard d.count >= 2 else { return (c.name, mean, nil, nil) }
                let m = d.reduce(0, +) / Double(d.count)
                let sd = (d.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(d.count - 1)).squareRoot()
                let half = 1.96 * sd / Double(d.count).squareRoot()
                return (c.name, mean, m - half, m + half)
            }
        }

        /// Why `label_share_to_match_random` is null, when it is.
        public var matchNullReason: String? {
            guard labelsToMatchRandom == nil else { return nil }
            guard let r = curve(Strategy.random.rawValue), let first = r.first?.spearman, let last = r.last?.spearman else {
                return "no random curve"
            }
            if last <= first { return "random's curve does not rise above the seed set" }
            return "uncertainty never reaches random's final held-out Spearman"
        }

        public func json() -> JSONValue {
            var strategies = JSONObject()
            for (name, curve) in curves {
                strategies[name] = .object(JSONObject(["curve": .array(curve.map { p in
                    .object(JSONObject(["labels": .number(p.labels), "spearman": EvaluationMetrics.number(p.spearman),
                                        "pairwise_accuracy": EvaluationMetrics.number(p.pairwiseAccuracy)]))
                })]))
            }
            for a in areas() {
                guard var o = strategies[a.name]?.objectValue else { continue }
                o["area"] = EvaluationMetrics.number(a.area)
                if a.name != Strategy.random.rawValue {
                    o["area_minus_random_95"] = a.low.map { .array([EvaluationMetrics.number($0), EvaluationMetrics.number(a.high)]) } ?? .null
                }
                strategies[a.name] = .object(o)
            }
            return .object(JSONObject([
                "label_share_to_match_random_null_reason": matchNullReason.map(JSONValue.string) ?? .null,
                "strategies": .object(strategies),
                "label_share_to_match_random": EvaluationMetrics.number(labelShareToMatchRandom),
                "random_final_spearman": EvaluationMetrics.number(randomFinalSpearman),
                "budget": .number(budget), "seeds": .number(seeds), "pool_items": .number(poolItems),
                "held_out_items": .number(heldOutItems),
            ]))
        }

        public func table() -> String {
            func cell(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "  —  " }
            func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }
            var lines: [String] = []
            lines.append("held-out metrics against the number of labels (mean of \(seeds) seeds; \(poolItems) items, \(heldOutItems) held out per seed)")
            lines.append(pad("labels", 8) + curves.map { pad($0.name, 20) }.joined())
            lines.append(pad("", 8) + curves.map { _ in pad("spearman pairwise", 20) }.joined())
            let rows = curves.first?.curve.count ?? 0
            for r in 0..<rows {
                var line = pad(String(curves[0].curve[r].labels), 8)
                for (_, curve) in curves { line += pad(pad(cell(curve[r].spearman), 9) + cell(curve[r].pairwiseAccuracy), 20) }
                lines.append(line)
            }
            if curve(Strategy.random.rawValue) != nil, curve(Strategy.uncertainty.rawValue) != nil {
                let target = cell(randomFinalSpearman)
                if let labelsToMatchRandom, let share = labelShareToMatchRandom {
                    lines.append("uncertainty-first reaches random's final held-out Spearman (\(target)) at \(labelsToMatchRandom) labels: "
                        + String(format: "%.2f", share) + " of the budget of \(budget)")
                } else {
                    lines.append("uncertainty-first never reaches random's final held-out Spearman (\(target)) within the budget of \(budget)")
                }
            }
            for a in areas() {
                var line = "area under the held-out Spearman curve, \(a.name): \(cell(a.area))"
                if let low = a.low, let high = a.high { line += String(format: "; minus random: 95%% interval %.3f to %.3f", low, high) }
                lines.append(line)
            }
            if let reason = matchNullReason { lines.append("label_share_to_match_random: null (\(reason))") }
            return lines.joined(separator: "\n")
        }
    }

    // MARK: - Pools

    /// The pool of `store` (its features cached) with an oracle given by item key: `oracle` the labels a
    /// simulated annotator saves, `truth` the noise-free scores its held-out metrics compare against.
    public static func pool(store: Store, rubric: Rubric, oracle: [String: [String: ScoreValue]],
                            truth trueScores: [String: [String: ScoreValue]]) throws -> Pool {
        let (matrix, items, simhash, keys) = try read(store: store)
        var labels: [Int64: [TargetLabel]] = [:]
        var truth: [Int64: Double] = [:]
        for (key, id) in keys {
            guard let noisy = oracle[key], let clean = trueScores[key] else { continue }
            labels[id] = [TargetLabel(itemId: id, annotator: "oracle", role: .annotator, values: noisy)]
            let t = Targets.compute(labels: [TargetLabel(itemId: id, annotator: "truth", role: .annotator, values: clean)], rubric: rubric)
            if let overall = t[id]?.overall { truth[id] = overall }
        }
        return Pool(matrix: matrix, rubric: rubric, items: items, simhash: simhash, oracle: Oracle(labels: labels, truth: truth))
    }

    /// The items of `store` that the labels file at `path` labels; the file's labels are the oracle.
    public static func oraclePool(path: String, rubric: Rubric, store: Store) throws -> Pool {
        let reader = try RecordReader(path: path)
        guard reader.container == .lines else {
            throw ImportError(file: path, line: 1, column: 1, message: "an oracle file is JSONL in the labels format: one {\"item\", \"annotator\", \"scores\"} object per line")
        }
        let (matrix, items, simhash, keys) = try read(store: store)
        var labels: [Int64: [TargetLabel]] = [:]
        try reader.forEach { record throws(ImportError) in
            do {
                let line = try LabelFile.parse(record.value, rubric: rubric)
                guard let id = keys[line.item] else { throw RecordProblem("item", "no item with key \"\(line.item)\" in the database") }
                // The oracle stands in for the annotators, whatever role its file gives (a dataset's released
                // scores are usually `imported`): its labels are what a simulated annotator would save.
                labels[id, default: []].append(TargetLabel(itemId: id, annotator: line.annotator, role: .annotator,
                                                           values: LabelLog.values(fromScores: line.scores, rubric: rubric)))
            } catch let problem as RecordProblem {
                throw reader.error(at: record.range.lowerBound, record: record.index, field: problem.field, problem.message)
            } catch {
                throw ImportError(file: path, record: record.index, message: "\(error)")
            }
        }
        var truth: [Int64: Double] = [:]
        for (id, t) in Targets.compute(labels: labels.values.flatMap { $0 }, rubric: rubric, useImported: true) {
            if let overall = t.overall { truth[id] = overall }
        }
        return Pool(matrix: matrix, rubric: rubric, items: items, simhash: simhash, oracle: Oracle(labels: labels, truth: truth))
    }

    private static func read(store: Store) throws -> (FeatureMatrix, [Int64: EvaluationItem], [Int64: UInt64], [String: Int64]) {
        let matrix = FeatureMatrix(foldedBuckets: RewardModel.Options().foldedBuckets)
        return try store.read { db in
            try matrix.update(db)
            return (matrix, try EvaluationItem.all(db), try FeatureCache.simhashes(db), try Item.idsByKey(db))
        }
    }

    // MARK: - Run

    public static func run(pool: Pool, options: Options, progress: (@Sendable (Int, Int) -> Void)? = nil) -> Result {
        let ids = pool.oracle.labels.keys.filter { pool.matrix.row[$0] != nil && pool.items[$0] != nil && pool.oracle.truth[$0] != nil }.sorted()
        let seeds = max(options.seeds, 1)
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var runs: [[String: [Point]]]
            var heldOut: [Int]
            var done = 0
            init(_ n: Int) {
                runs = Array(repeating: [:], count: n)
                heldOut = Array(repeating: 0, count: n)
            }
        }
        let box = Box(seeds)
        DispatchQueue.concurrentPerform(iterations: seeds) { s in
            let (curves, heldOut) = runSeed(pool: pool, ids: ids, options: options, seed: options.seed &+ UInt64(s) &* 0x9E37_79B9_7F4A_7C15)
            box.lock.lock()
            box.runs[s] = curves
            box.heldOut[s] = heldOut
            box.done += 1
            let d = box.done
            box.lock.unlock()
            progress?(d, seeds)
        }
        let runs = box.runs
        let heldOutCounts = box.heldOut
        var curves: [(name: String, curve: [Point])] = []
        var perSeed: [String: [[Point]]] = [:]
        for strategy in options.strategies {
            let all = runs.map { $0[strategy.rawValue] ?? [] }
            perSeed[strategy.rawValue] = all
            let count = all.map(\.count).min() ?? 0
            var mean: [Point] = []
            for i in 0..<count {
                func average(_ values: [Double?]) -> Double? {
                    let v = values.compactMap { $0 }
                    return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
                }
                mean.append(Point(labels: all[0][i].labels, spearman: average(all.map { $0[i].spearman }),
                                  pairwiseAccuracy: average(all.map { $0[i].pairwiseAccuracy })))
            }
            curves.append((strategy.rawValue, mean))
        }
        let randomCurve = curves.first { $0.name == Strategy.random.rawValue }?.curve
        let randomFinal = randomCurve?.last?.spearman
        var matched: Int?
        // Defined only against a random curve that rises above the seed set (else matching it means nothing).
        if let randomFinal, let start = randomCurve?.first?.spearman, randomFinal > start, let u = curves.first(where: { $0.name == Strategy.uncertainty.rawValue })?.curve {
            matched = u.first { ($0.spearman ?? -.infinity) >= randomFinal }?.labels
        }
        return Result(budget: options.budget, seeds: seeds, poolItems: ids.count,
                      heldOutItems: heldOutCounts.reduce(0, +) / seeds, curves: curves, perSeed: perSeed,
                      randomFinalSpearman: randomFinal, labelsToMatchRandom: matched)
    }

    /// One seed: every strategy from the same held-out set and seed set.
    static func runSeed(pool: Pool, ids: [Int64], options: Options, seed: UInt64) -> ([String: [Point]], Int) {
        var g = SeededGenerator(seed: seed)
        let components = CrossValidation.components(ids.map { pool.items[$0]! }).shuffled(using: &g)
        var heldOut: [Int64] = []
        var rest: [Int64] = []
        let want = Int((Double(ids.count) * options.heldOutShare).rounded())
        for c in components {
            if heldOut.count < want { heldOut += c } else { rest += c }
        }
        rest.sort()
        let initial = Array(rest.shuffled(using: &g).prefix(options.initialCount))
        let heldTargets: [Int64: ItemTargets] = Dictionary(uniqueKeysWithValues: heldOut.map { id in
            var t = ItemTargets()
            t.overall = pool.oracle.truth[id]
            return (id, t)
        })
        let overallSpec = [TargetSpec(id: RewardModel.overallTarget, kind: .ridge, low: 0, high: 1)]
        let checkpoints = options.checkpoints
        var modelOptions = options.model
        modelOptions.seed = seed
        var result: [String: [Point]] = [:]
        for strategy in options.strategies {
            var generator = SeededGenerator(seed: seed ^ FNV1a.hash(strategy.rawValue))
            var labeled = initial
            var isLabeled = Set(initial)
            var curve: [Point] = []
            for (step, checkpoint) in checkpoints.enumerated() {
                let labels = labeled.flatMap { pool.oracle.labels[$0] ?? [] }
                let model = RewardModel.fit(labels: labels, rubric: pool.rubric, matrix: pool.matrix, options: modelOptions)
                var uncertainty: [Float]?
                if let model {
                    let output = model.scorer.score(matrix: pool.matrix, mean: model.mean, scale: model.scale)
                    uncertainty = output.uncertainty
                    var predictions: [Int64: [String: Estimate]] = [:]
                    if let c = model.scorer.fits.firstIndex(where: { $0.spec.id == RewardModel.overallTarget }) {
                        for id in heldOut {
                            let r = pool.matrix.row[id]!
                            predictions[id] = [RewardModel.overallTarget: Estimate(mean: Double(output.mean[c][r]), std: Double(output.std[c][r]))]
                        }
                    }
                    let m = EvaluationMetrics.compute(items: heldOut, predictions: predictions, targets: heldTargets, specs: overallSpec,
                                                      groupOf: { pool.items[$0]?.group })
                    curve.append(Point(labels: labeled.count, spearman: m.spearmanOf(RewardModel.overallTarget), pairwiseAccuracy: m.pairwiseAccuracy))
                } else {
                    curve.append(Point(labels: labeled.count, spearman: nil, pairwiseAccuracy: nil))
                }
                guard step + 1 < checkpoints.count else { break }
                let need = checkpoints[step + 1] - labeled.count
                let remaining = rest.filter { !isLabeled.contains($0) }
                var next: [Int64]
                switch (strategy, uncertainty) {
                case (.uncertainty, let u?), (.greedy, let u?):
                    let candidates = remaining.map { id in
                        QueuePolicy.Candidate(id: id, group: pool.items[id]!.group, image: pool.items[id]!.image, simhash: pool.simhash[id] ?? 0)
                    }
                    if strategy == .greedy {
                        next = remaining.sorted { a, b in
                            let ua = u[pool.matrix.row[a]!], ub = u[pool.matrix.row[b]!]
                            return ua != ub ? ua > ub : a < b
                        }
                    } else {
                        let rules = QueuePolicy.Rules(exploreFraction: options.exploreFraction, seed: seed &+ UInt64(step))
                        next = QueuePolicy.order(candidates: candidates, uncertainty: { Double(u[pool.matrix.row[$0]!]) },
                                                 modelVersion: Int64(step + 1), spreadOrder: [], rules: rules).map(\.itemId)
                    }
                default:
                    next = remaining.shuffled(using: &generator)
                }
                for id in next.prefix(need) {
                    labeled.append(id)
                    isLabeled.insert(id)
                }
            }
            result[strategy.rawValue] = curve
        }
        return (result, heldOut.count)
    }
}
