import Foundation
import GRDB

extension ModelReport {
    /// The rubric stored under `hash`.
    static func storedRubric(_ db: Database, hash: String) throws -> Rubric {
        guard let text = try String.fetchOne(db, sql: "SELECT normalized FROM rubric WHERE hash = ?", arguments: [hash]) else {
            throw ModelError.io("the model's rubric (\(hash.prefix(12))) is not in the database; give one with --rubric")
        }
        return try Rubric(normalizedJSON: text)
    }
}
