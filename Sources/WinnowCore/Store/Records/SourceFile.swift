import GRDB

/// A row of `source_file`: one imported data file, for the export manifest.
struct SourceFile: Sendable, Equatable {
    var name: String
    var path: String
    var sha256: String
    var format: String
    var records: Int
    var importedAt: String

    /// The `source_file` columns, named here once.
    enum Columns {
        static let name = "name", path = "path", sha256 = "sha256", format = "format", records = "records", importedAt = "imported_at"
        static let read = [name, path, sha256, format, records, importedAt]
    }

    /// Every imported file, in import order.
    static func all(_ db: Database) throws -> [SourceFile] {
        try Row.fetchAll(db, sql: "SELECT \(Columns.read.joined(separator: ", ")) FROM source_file ORDER BY id").map { row in
            SourceFile(name: row[Columns.name], path: row[Columns.path], sha256: row[Columns.sha256], format: row[Columns.format],
                       records: row[Columns.records], importedAt: row[Columns.importedAt])
        }
    }
}
