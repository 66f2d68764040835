/// A strict JSON (RFC 8259) parser over bytes that reports where a document goes wrong.
///
/// It exists because import must name the line and column of a bad byte, keep each record's original
/// bytes, survive hostile input (deep nesting, invalid UTF-8, raw control characters) without trapping,
/// and run over a memory-mapped file without first decoding the whole of it.
import Foundation

public struct JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 256

    public struct SyntaxError: Error, Sendable, Equatable {
        /// Byte offset into the buffer where the problem was found.
        public var offset: Int
        public var message: String
        /// Where in the value being parsed the problem is, e.g. `conversations[1].value`; nil at the top.
        public var path: String?

        public init(offset: Int, message: String, path: String? = nil) {
            self.offset = offset
            self.message = message
            self.path = path
        }
    }

    /// One step into a value: a member's key or a list index.
    private enum Step {
        case key(String)
        case index(Int)
    }

    private let bytes: UnsafeRawBufferPointer
    /// The next byte to read.
    public private(set) var position: Int
    /// The members and indices entered so far, for naming the field in an error.
    private var path: [Step] = []

    public init(bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Parses one whole document: a value with only whitespace around it.
    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(Data(text.utf8))
    }

    public static func parse(_ data: Data) throws(SyntaxError) -> JSONValue {
        let result: Result<JSONValue, SyntaxError> = data.withUnsafeBytes { raw in
            var parser = JSONParser(bytes: raw)
            do throws(SyntaxError) {
                let value = try parser.parseValue()
                parser.skipWhitespace()
                if !parser.atEnd { throw SyntaxError(offset: parser.position, message: "unexpected text after the JSON value") }
                return .success(value)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public var atEnd: Bool { position >= bytes.count }

    public var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    public mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// Skips whitespace, then consumes `byte` if it is next.
    public mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        if position < bytes.count, bytes[position] == byte {
            position += 1
            return true
        }
        return false
    }

    public mutating func parseValue() throws(SyntaxError) -> JSONValue {
        path.removeAll(keepingCapacity: true)
        do {
            return try parseValue(depth: 0)
        } catch {
            var located = error
            if located.path == nil { located.path = pathText }
            throw located
        }
    }

    /// The path as `a.b[2].c`, or nil at the top level.
    private var pathText: String? {
        guard !path.isEmpty else { return nil }
        var text = ""
        for step in path {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let i): text += "[\(i)]"
            }
        }
        return text
    }

    /// `depth` counts the containers around the value: a container may open only below the maximum.
    private mutating func parseValue(depth: Int) throws(SyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw SyntaxError(offset: position, message: "unexpected end of file") }
        if depth >= JSONParser.maximumDepth, bytes[position] == UInt8(ascii: "{") || bytes[position] == UInt8(ascii: "[") {
            throw SyntaxError(offset: position, message: "nesting deeper than \(JSONParser.maximumDepth) levels")
        }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw SyntaxError(offset: position, message: "unexpected \(describe(bytes[position])), expected a JSON value")
        }
    }

    /// For objects of 16 members or more: false when `key` is new (and records it), true when repeated.
    /// The set is filled from `members` the first time.
    private func seen(_ key: String, in members: [JSONObject.Member], cache keys: inout Set<String>) -> Bool {
        if keys.isEmpty { keys = Set(members.map(\.key)) }
        return !keys.insert(key).inserted
    }

    private mutating func parseObject(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var members: [JSONObject.Member] = []
        var keys: Set<String> = []
        if consume(UInt8(ascii: "}")) { return .object(JSONObject(members)) }
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw SyntaxError(offset: position, message: "unexpected end of file inside an object") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw SyntaxError(offset: position, message: "unexpected \(describe(bytes[position])), expected a quoted key")
            }
            let keyOffset = position
            let key = try parseString()
            // A repeated key is an error: which value was meant cannot be known (parsers differ: first or
            // last wins), and an export must not keep one silently. Small objects scan, large ones hash.
            if members.count < 16 ? members.contains(where: { $0.key == key }) : seen(key, in: members, cache: &keys) {
                throw SyntaxError(offset: keyOffset, message: "the key \"\(key)\" appears twice in this object; keep one")
            }
            guard consume(UInt8(ascii: ":")) else { throw expected("':' after the key \"\(key)\"") }
            path.append(.key(key))
            let value = try parseValue(depth: depth + 1)
            path.removeLast()
            members.append(JSONObject.Member(key: key, value: value))
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "}")) { return .object(JSONObject(members)) }
            throw expected("',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(SyntaxError) -> JSONValue {
        position += 1
        var items: [JSONValue] = []
        if consume(UInt8(ascii: "]")) { return .array(items) }
        while true {
            path.append(.index(items.count))
            items.append(try parseValue(depth: depth + 1))
            path.removeLast()
            if consume(UInt8(ascii: ",")) { continue }
            if consume(UInt8(ascii: "]")) { return .array(items) }
            throw expected("',' or ']' in a list")
        }
    }

    private func expected(_ what: String) -> SyntaxError {
        if position >= bytes.count { return SyntaxError(offset: position, message: "unexpected end of file, expected \(what)") }
        return SyntaxError(offset: position, message: "unexpected \(describe(bytes[position])), expected \(what)")
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(SyntaxError) {
        let count = literal.utf8CodeUnitCount
        let start = position
        guard start + count <= bytes.count else { throw SyntaxError(offset: start, message: "unexpected end of file") }
        for i in 0..<count where bytes[start + i] != literal.utf8Start[i] {
            throw SyntaxError(offset: start, message: "invalid literal, expected \(literal)")
        }
        position += count
    }

    private mutating func parseNumber() throws(SyntaxError) -> String {
        let start = position
        func digits(_ p: inout Int) -> Int {
            let s = p
            while p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 { p += 1 }
            return p - s
        }
        var p = position
        if bytes[p] == UInt8(ascii: "-") { p += 1 }
        guard p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 else {
            throw SyntaxError(offset: p, message: "invalid number")
        }
        if bytes[p] == UInt8(ascii: "0") { p += 1 } else { _ = digits(&p) }
        if p < bytes.count, bytes[p] == UInt8(ascii: ".") {
            p += 1
            guard digits(&p) > 0 else { throw SyntaxError(offset: p, message: "invalid number: digits expected after '.'") }
        }
        if p < bytes.count, bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
            p += 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            guard digits(&p) > 0 else { throw SyntaxError(offset: p, message: "invalid number: digits expected in the exponent") }
        }
        position = p
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
    }

    /// Parses a string at the current quote. Invalid UTF-8 and raw control characters are errors
    /// (RFC 8259); a lone surrogate escape becomes U+FFFD, as it cannot be represented in Swift.
    /// The string starting at the opening quote at `position` (also for `LLaVAFastPath`).
    mutating func parseString() throws(SyntaxError) -> String {
        position += 1
        let start = position
        var p = position
        // Fast path: no escapes.
        while p < bytes.count {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<p])
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw SyntaxError(offset: JSONParser.firstInvalidUTF8(slice) + start, message: "invalid UTF-8 in a string")
                }
                position = p + 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw SyntaxError(offset: p, message: "raw control character \(describe(b)) in a string (write it as \\u escape)") }
            p += 1
        }
        guard p < bytes.count else { throw SyntaxError(offset: start - 1, message: "unterminated string") }
        var buffer = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<p]))
        while p < bytes.count {
            let b = bytes[p]
            if b == UInt8(ascii: "\"") {
                guard let s = String(validating: buffer, as: UTF8.self) else {
                    // Escapes are ASCII, so the first bad byte of the raw text is the one to report.
                    let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<p])
                    throw SyntaxError(offset: start + JSONParser.firstInvalidUTF8(raw), message: "invalid UTF-8 in a string")
                }
                position = p + 1
                return s
            }
            if b < 0x20 { throw SyntaxError(offset: p, message: "raw control character \(describe(b)) in a string (write it as \\u escape)") }
            if b != UInt8(ascii: "\\") {
                buffer.append(b)
                p += 1
                continue
            }
            p += 1
            guard p < bytes.count else { break }
            let e = bytes[p]
            p += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hex4(at: p) else { throw SyntaxError(offset: p - 2, message: "invalid \\u escape") }
                p += 4
                var scalarValue = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit), p + 6 <= bytes.count, bytes[p] == UInt8(ascii: "\\"),
                   bytes[p + 1] == UInt8(ascii: "u"), let low = hex4(at: p + 2), (0xDC00...0xDFFF).contains(low)
                {
                    scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    p += 6
                }
                let scalar = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
                buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw SyntaxError(offset: p - 2, message: "invalid escape \\\(describeEscape(e))")
            }
        }
        throw SyntaxError(offset: start - 1, message: "unterminated string")
    }

    private func hex4(at p: Int) -> UInt16? {
        guard p + 4 <= bytes.count else { return nil }
        var v: UInt16 = 0
        for i in 0..<4 {
            let b = bytes[p + i]
            let d: UInt8
            switch b {
            case 0x30...0x39: d = b - 0x30
            case 0x61...0x66: d = b - 0x61 + 10
            case 0x41...0x46: d = b - 0x41 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" : "") + hex
    }

    private func describeEscape(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? String(Character(Unicode.Scalar(byte))) : describe(byte)
    }

    /// Offset of the first byte that breaks UTF-8 in `slice` (for error positions).
    static func firstInvalidUTF8(_ slice: UnsafeRawBufferPointer) -> Int {
        var decoder = UTF8()
        var iterator = slice.makeIterator()
        var consumed = 0
        var lastGood = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s):
                consumed += UTF8.width(s)
                lastGood = consumed
            case .emptyInput: return lastGood
            case .error: return lastGood
            }
        }
    }
}

/// Turns byte offsets into 1-based line and column numbers (columns count characters, not bytes),
/// for error messages. Only built when an error is reported, so the happy path pays nothing.
public enum TextPosition {
    public static func lineAndColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        var column = 1
        i = lineStart
        while i < end {
            // Count UTF-8 lead bytes only, so a multi-byte character is one column.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }
}
