import GRDB

/// One rubric, one meaning: a label means what the rubric it was given under said, so statistics, exports
/// and the model read only the labels given under the rubric they are asked about (by content hash, not
/// by name: a changed anchor or scale is another rubric). `check` tells the user when that leaves labels out.
public enum RubricScope {
    /// The current labels given under one rubric.
    public struct Use: Sendable, Equatable {
        public var name: String
        public var version: String
        public var hash: String
        public var labels: Int

        var text: String { "\(name) v\(version) (hash \(hash.prefix(12)), \(labels) label\(labels == 1 ? "" : "s"))" }
    }

    /// No label was given under the rubric named, though the database has labels under other rubrics.
    public struct Mismatch: Error, CustomStringConvertible, Equatable {
        public var rubric: String
        public var others: [Use]

        public var description: String {
            "no labels were given under rubric \(rubric); the database's labels were given under "
                + others.map(\.text).joined(separator: "; ")
                + ". Name the rubric they were given under, or carry them over to this one (README: \"A new version of a rubric\")"
        }
    }

    static func describe(_ rubric: Rubric) -> String {
        "\(rubric.name) v\(rubric.version) (hash \(rubric.contentHash.prefix(12)))"
    }

    /// Throws `Mismatch` when the labels of `roles` were all given under other rubrics; returns a warning
    /// (to print) when some were, nil when every such label was given under `rubric` or there are none.
    public static func check(_ store: Store, rubric: Rubric, roles: [LabelRole] = LabelRole.allCases) throws -> String? {
        let uses = try store.read { db in try self.uses(db, roles: roles) }
        let others = uses.filter { $0.hash != rubric.contentHash }
        guard !others.isEmpty else { return nil }
        guard uses.contains(where: { $0.hash == rubric.contentHash }) else {
            throw Mismatch(rubric: describe(rubric), others: others)
        }
        let count = others.map(\.labels).reduce(0, +)
        return "warning: \(count) label\(count == 1 ? "" : "s") given under other rubrics left out: " + others.map(\.text).joined(separator: "; ")
    }
}
