/// A JSON value that keeps what a round trip needs: object members in document order and numbers as
/// their literal text, so a record written back out reads as it came in.
///
/// Foundation's `JSONSerialization` loses both (and is slow on large files); Winnow parses with
/// `JSONParser` and writes with `serialized()`, which is deterministic: the same value always gives
/// the same bytes.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text as it appeared (or as `JSONValue.number(_:)` formatted it).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number from a Double: integral values print without a fraction ("3", not "3.0").
    public static func number(_ value: Double) -> JSONValue {
        .number(JSONValue.format(value))
    }

    public static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    static func format(_ value: Double) -> String {
        if value.isFinite, value.rounded() == value, abs(value) < 9.007_199_254_740_992e15 {
            return String(Int64(value))
        }
        return value.isFinite ? "\(value)" : "null"
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let text) = self { return Double(text) }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The JSON type name used in error messages ("expected a list, found a string").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Compact JSON text. Non-ASCII characters are written as UTF-8; control characters escaped.
    public func serialized() -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        write(bytes: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(to out: inout String) {
        out += serialized()
    }

    /// The compact JSON text as UTF-8 bytes appended to `out` (what `serialized()` returns, without a String).
    public func write(bytes out: inout [UInt8]) {
        switch self {
        case .null: JSONValue.append("null", to: &out)
        case .bool(let b): JSONValue.append(b ? "true" : "false", to: &out)
        case .number(let text): JSONValue.append(text, to: &out)
        case .string(let s): JSONValue.writeString(s, bytes: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(bytes: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (i, member) in object.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(member.key, bytes: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(bytes: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func append(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    public static func writeString(_ s: String, to out: inout String) {
        var bytes: [UInt8] = []
        writeString(s, bytes: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// `s` as a JSON string: `"`, `\\`, and the usual control characters by their short escapes; other C0
    /// controls, DEL, C1 controls and U+2028/U+2029 as `\uXXXX` (lowercase hex); everything else as UTF-8.
    /// Runs that need no escape are copied in one piece.
    public static func writeString(_ s: String, bytes out: inout [UInt8]) {
        var s = s
        out.append(UInt8(ascii: "\""))
        s.withUTF8 { utf8 in
            let n = utf8.count
            var runStart = 0
            var i = 0
            func flush(_ end: Int) {
                if end > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<end])) }
            }
            func escapeU(_ value: UInt32) {
                let digits: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), digits[Int(value >> 12 & 0xF)], digits[Int(value >> 8 & 0xF)],
                                        digits[Int(value >> 4 & 0xF)], digits[Int(value & 0xF)]])
            }
            while i < n {
                let b = utf8[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C && b != 0x7F && b != 0xC2 && b != 0xE2 {
                    i += 1
                    continue
                }
                var width = 1
                var short: UInt8? = nil
                var unicode: UInt32? = nil
                switch b {
                case 0x22: short = UInt8(ascii: "\"")
                case 0x5C: short = UInt8(ascii: "\\")
                case 0x0A: short = UInt8(ascii: "n")
                case 0x0D: short = UInt8(ascii: "r")
                case 0x09: short = UInt8(ascii: "t")
                case 0x08: short = UInt8(ascii: "b")
                case 0x0C: short = UInt8(ascii: "f")
                case 0xC2:
                    // U+0080...U+009F (C1 controls) are C2 80...C2 9F.
                    if i + 1 < n, utf8[i + 1] >= 0x80, utf8[i + 1] <= 0x9F {
                        unicode = UInt32(utf8[i + 1])
                        width = 2
                    }
                case 0xE2:
                    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
                    if i + 2 < n, utf8[i + 1] == 0x80, utf8[i + 2] == 0xA8 || utf8[i + 2] == 0xA9 {
                        unicode = 0x2000 + UInt32(utf8[i + 2]) - 0x80
                        width = 3
                    }
                default:
                    unicode = UInt32(b)  // other C0 controls and DEL
                }
                if short == nil && unicode == nil {
                    i += 1
                    continue
                }
                flush(i)
                if let short {
                    out.append(UInt8(ascii: "\\"))
                    out.append(short)
                } else if let unicode {
                    escapeU(unicode)
                }
                i += width
                runStart = i
            }
            flush(n)
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A JSON object whose members keep their document order.
public struct JSONObject: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) { self.members = members }

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        self.members = pairs.map { Member(key: $0.key, value: $0.value) }
    }

    /// The last member with this key (the parser refuses repeated keys; built objects may still repeat one).
    public subscript(key: String) -> JSONValue? {
        get { members.last(where: { $0.key == key })?.value }
        set {
            if let i = members.lastIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }
}
