/// Why an import stopped, with enough to find the problem: the file, the line and column (or the
/// record's index), the field, and what was wrong. Nothing of the command is written when it is thrown.
public struct ImportError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var column: Int?
    /// 0-based index of the record in its file, when the problem is inside a record.
    public var record: Int?
    /// Path of the field inside the record, e.g. `conversations[1].from`.
    public var field: String?
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, record: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.record = record
        self.field = field
        self.message = message
    }

    /// `FILE:LINE:COL: record N: FIELD: MESSAGE`, leaving out what is unknown.
    public var description: String {
        var parts = [file]
        if let line {
            parts[0] += ":\(line)"
            if let column { parts[0] += ":\(column)" }
        }
        if let record { parts.append("record \(record)") }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// A problem found inside one record, before the reader adds where the record is.
struct RecordProblem: Error {
    var field: String?
    var message: String

    init(_ field: String?, _ message: String) {
        self.field = field
        self.message = message
    }
}
