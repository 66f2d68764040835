import GRDB

/// How far labeling has come: `winnow status`.
public struct Status: Sendable, Equatable {
    public var items: Int
    public var groups: Int
    /// Items with at least one current label by an annotator or a lead (imported scores do not count).
    public var labeled: Int
    public var unlabeled: Int { items - labeled }
    /// Items with a current label, per annotator (role `annotator`).
    public var annotators: [(name: String, count: Int)]

    public static func == (a: Status, b: Status) -> Bool {
        a.items == b.items && a.groups == b.groups && a.labeled == b.labeled
            && a.annotators.map(\.name) == b.annotators.map(\.name) && a.annotators.map(\.count) == b.annotators.map(\.count)
    }

    public static func read(_ store: Store) throws -> Status {
        try store.pool.read { db in
            let items = try Int.fetchOne(db, sql: "SELECT count(*) FROM item") ?? 0
            let groups = try Int.fetchOne(db, sql: "SELECT count(DISTINCT group_key) FROM item") ?? 0
            let labeled = try Int.fetchOne(db, sql: "SELECT count(DISTINCT item_id) FROM current_label WHERE role IN ('annotator', 'gold')") ?? 0
            let annotators = try Row.fetchAll(db, sql: """
                SELECT annotator, count(DISTINCT item_id) AS n FROM current_label WHERE role = 'annotator'
                GROUP BY annotator ORDER BY annotator
                """).map { (name: $0["annotator"] as String, count: $0["n"] as Int) }
            return Status(items: items, groups: groups, labeled: labeled, annotators: annotators)
        }
    }

    public var json: JSONValue {
        .object(JSONObject([
            "items": .number(items), "groups": .number(groups), "labeled": .number(labeled), "unlabeled": .number(unlabeled),
            "annotators": .object(JSONObject(annotators.map { .init(key: $0.name, value: .number($0.count)) })),
        ]))
    }
}
