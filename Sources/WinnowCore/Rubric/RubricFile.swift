import Foundation

/// Reading a rubric file's text, with the failures a user can act on named plainly.
enum RubricFile {
    /// Rubrics are a page or two of YAML; anything far larger is not one.
    static let maximumSize = 1 << 20

    static func read(path: String) throws(RubricError) -> String {
        func failure(_ message: String) -> RubricError {
            RubricError(file: path, line: 0, column: 0, field: "", message: message)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("no such file")
        }
        if isDirectory.boolValue { throw failure("is a directory, not a rubric file") }
        if let kind = FileKind.notRegular(path) { throw failure("is \(kind), not a regular file; give the rubric's YAML file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw failure("cannot read the file (permission denied?)") }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSize + 1) ?? Data()
        } catch {
            throw failure("cannot read the file: \(error.localizedDescription)")
        }
        if data.count > maximumSize { throw failure("is larger than 1 MiB; a rubric is a small YAML file") }
        guard let text = String(data: data, encoding: .utf8) else { throw failure("is not UTF-8 text") }
        return text
    }
}
