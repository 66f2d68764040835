import GRDB

extension RubricScope {
    /// The rubrics the current labels of `roles` were given under, most labels first.
    public static func uses(_ db: Database, roles: [LabelRole]) throws -> [Use] {
        let placeholders = roles.map { _ in "?" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: """
            SELECT c.rubric_hash AS hash, coalesce(r.name, '?') AS name, coalesce(r.version, '?') AS version, count(*) AS n
            FROM current_label c LEFT JOIN rubric r ON r.hash = c.rubric_hash
            WHERE c.role IN (\(placeholders)) AND c.rubric_hash IS NOT NULL
            GROUP BY c.rubric_hash ORDER BY n DESC, name
            """, arguments: StatementArguments(roles.map(\.rawValue))).map { row in
            Use(name: row["name"], version: row["version"], hash: row["hash"], labels: row["n"])
        }
    }
}
