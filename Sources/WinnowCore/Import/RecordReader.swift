import Foundation

/// Reads the records of a JSON list file or a JSONL file one at a time, each with its original bytes
/// and where it starts, without decoding the whole file first. The file is memory-mapped, so a large
/// file is paged in as it is read rather than copied.
public struct RecordReader {
    public enum Container: String, Sendable {
        case list = "json"
        case lines = "jsonl"
    }

    public struct Record {
        public var index: Int
        /// The parsed record; `.null` when `draft` holds it instead.
        public var value: JSONValue
        /// Byte range of the record in the file.
        public var range: Range<Int>
        /// The record's draft when a fast path (`forEach(fast:)`) took it without parsing a tree.
        var draft: DraftItem? = nil
    }

    /// Parses a record of one plain shape straight into its draft, or declines (nil) for the general parser.
    typealias FastPath = (inout JSONParser) -> DraftItem?

    public let path: String
    public let data: Data
    public let container: Container

    public init(path: String) throws(ImportError) {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else { throw ImportError(file: path, message: "is a folder, not a data file") }
        if let kind = FileKind.notRegular(path) {
            throw ImportError(file: path, message: "is \(kind), not a regular file; save the data to a file first")
        }
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw ImportError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        // The first non-blank byte tells the container: '[' a JSON list, '{' one record per line.
        var first: UInt8?
        for byte in data where ![0x20, 0x0A, 0x0D, 0x09].contains(byte) {
            first = byte
            break
        }
        switch first {
        case UInt8(ascii: "["): container = .list
        case UInt8(ascii: "{"): container = .lines
        case nil: throw ImportError(file: path, message: "the file is empty")
        default:
            if data.starts(with: [0xEF, 0xBB, 0xBF]) {
                throw ImportError(file: path, line: 1, column: 1, message: "the file starts with a byte-order mark; save it as UTF-8 without BOM")
            }
            throw ImportError(file: path, line: 1, column: 1, message: "not JSON or JSONL: expected '[' (a list of records) or '{' (one record per line)")
        }
    }

    /// Calls `body` with each record in file order. Stops at the first syntax error, or when `body`
    /// throws. `progress` is called now and then with the number of bytes read.
    public func forEach(progress: ((Int) -> Void)? = nil, _ body: (Record) throws(ImportError) -> Void) throws(ImportError) {
        try forEach(progress: progress, fast: nil, body)
    }

    /// `forEach`, trying `fast` on each record first.
    func forEach(progress: ((Int) -> Void)? = nil, fast: FastPath?, _ body: (Record) throws(ImportError) -> Void) throws(ImportError) {
        let result: Result<Void, ImportError> = data.withUnsafeBytes { raw in
            do throws(ImportError) {
                switch container {
                case .list: try readList(raw, progress: progress, fast: fast, body)
                case .lines: try readLines(raw, progress: progress, fast: fast, body)
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// The first record and its byte offset, for telling the format; nil when a list is empty.
    public func firstRecord() throws(ImportError) -> (value: JSONValue, offset: Int)? {
        var found: (value: JSONValue, offset: Int)?
        let result: Result<Void, ImportError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw)
            if container == .list {
                _ = parser.consume(UInt8(ascii: "["))
                if parser.consume(UInt8(ascii: "]")) { return .success(()) }
            }
            do throws(JSONParser.SyntaxError) {
                parser.skipWhitespace()
                let offset = parser.position
                found = (try parser.parseValue(), offset)
                return .success(())
            } catch {
                return .failure(self.error(at: error.offset, record: 0, field: error.path, error.message))
            }
        }
        try result.get()
        return found
    }

    /// The error for a byte offset, with line and column.
    public func error(at offset: Int, record: Int? = nil, field: String? = nil, _ message: String) -> ImportError {
        let (line, column) = data.withUnsafeBytes { TextPosition.lineAndColumn(of: offset, in: $0) }
        return ImportError(file: path, line: line, column: column, record: record, field: field, message: message)
    }

    private func readList(_ raw: UnsafeRawBufferPointer, progress: ((Int) -> Void)?, fast: FastPath?,
                          _ body: (Record) throws(ImportError) -> Void) throws(ImportError) {
        var parser = JSONParser(bytes: raw)
        _ = parser.consume(UInt8(ascii: "["))
        var index = 0
        if parser.consume(UInt8(ascii: "]")) { return try expectEnd(&parser) }
        while true {
            parser.skipWhitespace()
            let start = parser.position
            let parsed: (value: JSONValue, draft: DraftItem?)
            do { parsed = try parseRecord(&parser, fast: fast) } catch {
                throw self.error(at: error.offset, record: index, field: error.path, error.message)
            }
            try body(Record(index: index, value: parsed.value, range: start..<parser.position, draft: parsed.draft))
            index += 1
            if index % 4096 == 0 { progress?(parser.position) }
            if parser.consume(UInt8(ascii: ",")) { continue }
            if parser.consume(UInt8(ascii: "]")) { break }
            if parser.atEnd { throw self.error(at: parser.position, "unexpected end of file: the list is not closed with ']' (is the file truncated?)") }
            throw self.error(at: parser.position, "expected ',' or ']' after record \(index - 1)")
        }
        try expectEnd(&parser)
    }

    /// The record at the parser's position: its draft when `fast` takes it (the fast path reads only
    /// well-formed records, so the parser ends where `parseValue` would), else its parsed value.
    private func parseRecord(_ parser: inout JSONParser, fast: FastPath?) throws(JSONParser.SyntaxError) -> (value: JSONValue, draft: DraftItem?) {
        if let draft = fast?(&parser) { return (.null, draft) }
        return (try parser.parseValue(), nil)
    }

    private func expectEnd(_ parser: inout JSONParser) throws(ImportError) {
        parser.skipWhitespace()
        if !parser.atEnd { throw error(at: parser.position, "unexpected text after the end of the list") }
    }

    private func readLines(_ raw: UnsafeRawBufferPointer, progress: ((Int) -> Void)?, fast: FastPath?,
                           _ body: (Record) throws(ImportError) -> Void) throws(ImportError) {
        var lineStart = 0
        var index = 0
        while lineStart < raw.count {
            var lineEnd = lineStart
            while lineEnd < raw.count, raw[lineEnd] != 0x0A { lineEnd += 1 }
            let line = UnsafeRawBufferPointer(rebasing: raw[lineStart..<lineEnd])
            if line.contains(where: { ![0x20, 0x0D, 0x09].contains($0) }) {
                var parser = JSONParser(bytes: line)
                parser.skipWhitespace()
                let start = parser.position
                let parsed: (value: JSONValue, draft: DraftItem?)
                do { parsed = try parseRecord(&parser, fast: fast) } catch {
                    throw self.error(at: lineStart + error.offset, record: index, field: error.path, error.message)
                }
                let end = parser.position
                parser.skipWhitespace()
                if !parser.atEnd {
                    throw self.error(at: lineStart + parser.position, record: index, "unexpected text after the record (JSONL has one record per line)")
                }
                try body(Record(index: index, value: parsed.value, range: (lineStart + start)..<(lineStart + end), draft: parsed.draft))
                index += 1
                if index % 4096 == 0 { progress?(lineEnd) }
            }
            lineStart = lineEnd + 1
        }
    }
}
