import GRDB

/// A row of `source_file`: one imported data file, for the export manifest.
struct SourceFile: Sendable, Equatable {
    var name: String
    var path: String
    var sha256: String
    var format: String
    var records: Int
    var importedAt: String

    /// Every imported file, in import order.
    static func all(_ db: Database) throws -> [SourceFile] {
        try Row.fetchAll(db, sql: "SELECT name, path, sha256, format, records, imported_at FROM source_file ORDER BY id").map { row in
            SourceFile(name: row["name"], path: row["path"], sha256: row["sha256"], format: row["format"], records: row["records"],
                       importedAt: row["imported_at"])
        }
    }
}
