/// Why a rubric file was refused, pointing at the place to fix.
///
/// `description` reads `FILE:LINE:COL: FIELD: MESSAGE`, e.g.
/// `rubrics/bad.yaml:14:7: criteria[2].values: a scale's values must be strictly ascending (3 after 4)`,
/// the form editors and terminals recognise as a location. `line` and `column` count from 1 (columns
/// in Unicode scalars, as Yams does); they are 0 when the problem is with the file as a whole (it is
/// missing or unreadable), and the position is then left out. `field` is the path to the offending
/// field (`criteria[2].values`, `name`); it is empty for problems that belong to no field (YAML
/// syntax, the document not being a mapping), and is then left out too.
public struct RubricError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    public var column: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if line > 0 { text += ":\(line):\(column)" }
        text += ": "
        if !field.isEmpty { text += field + ": " }
        return text + message
    }
}
