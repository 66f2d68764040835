import Foundation
import WinnowCore

extension Simulation {
    /// A generated pool (`SyntheticPool`) imported into a new database in `folder`, with its features:
    /// what `winnow simulate --synthetic` runs on.
    public static func syntheticPool(items: Int, seed: UInt64, rubric: Rubric? = nil, noise: Double = 0.2,
                                     confounds: SyntheticGenerator.Confounds = .all, folder: String) throws -> Pool {
        let synthetic = SyntheticPool.generate(items: items, seed: seed, noise: noise, rubric: rubric, confounds: confounds)
        let (records, captions) = try synthetic.write(folder: folder)
        let store = try Store(path: folder + "/simulate.sqlite")
        _ = try Importer(store: store).run(Importer.Options(files: [records], captions: captions))
        try FeatureCache.update(store: store)
        return try pool(store: store, rubric: synthetic.rubric, oracle: synthetic.oracle, truth: synthetic.truth)
    }
}
