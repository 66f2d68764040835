/// `export --where`: comparisons of a criterion, `overall` or a kept field with a literal, joined by
/// `and`, `or`, `not` and parentheses, e.g. `overall >= 0.7 and hallucination == false`.
///
/// A bad expression is an error that points at the column where it goes wrong. Evaluation is over an
/// item's resolved values: a name with no value makes its comparison false (the item has no score
/// for it), except `!=`, which is then true.
public indirect enum WhereExpression: Sendable, Equatable {
    case comparison(name: String, op: Operator, literal: Literal)
    case and(WhereExpression, WhereExpression)
    case or(WhereExpression, WhereExpression)
    case not(WhereExpression)

    public enum Operator: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    public enum Literal: Sendable, Equatable {
        case number(Double)
        case string(String)
        case bool(Bool)
    }

    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        /// 1-based column in the expression.
        public var column: Int
        public var message: String
        public var expression: String

        /// The expression with a caret under the column, so the problem is easy to see.
        public var description: String {
            "--where: column \(column): \(message)\n  \(expression)\n  " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
    }

    // MARK: parsing

    public static func parse(_ text: String) throws(SyntaxError) -> WhereExpression {
        var parser = Parser(text: text)
        let expression = try parser.parseOr()
        if let token = parser.peek {
            throw parser.error(at: token, "unexpected \(token.text); expected 'and', 'or' or the end")
        }
        return expression
    }

    struct Token {
        enum Kind: Equatable {
            case name, number, string, op, open, close, and, or, not, bool
        }
        var kind: Kind
        var text: String
        var column: Int
    }

    struct Parser {
        let text: String
        var tokens: [Token] = []
        var index = 0
        var lexError: SyntaxError?

        init(text: String) {
            self.text = text
            let chars = Array(text)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                let column = i + 1
                if c == " " || c == "\t" {
                    i += 1
                } else if c == "(" || c == ")" {
                    tokens.append(Token(kind: c == "(" ? .open : .close, text: String(c), column: column))
                    i += 1
                } else if "=!<>".contains(c) {
                    var op = String(c)
                    if i + 1 < chars.count, chars[i + 1] == "=" { op.append("=") }
                    guard Operator(rawValue: op) != nil else {
                        lexError = SyntaxError(column: column, message: "unknown operator '\(op)' (use == != < <= > >=)", expression: text)
                        return
                    }
                    tokens.append(Token(kind: .op, text: op, column: column))
                    i += op.count
                } else if c == "\"" || c == "'" {
                    var j = i + 1
                    var value = ""
                    while j < chars.count, chars[j] != c {
                        value.append(chars[j])
                        j += 1
                    }
                    guard j < chars.count else {
                        lexError = SyntaxError(column: column, message: "unterminated string", expression: text)
                        return
                    }
                    tokens.append(Token(kind: .string, text: value, column: column))
                    i = j + 1
                } else if c.isNumber || c == "-" || c == "." {
                    var j = i
                    while j < chars.count, chars[j].isNumber || ".-+eE".contains(chars[j]) { j += 1 }
                    let literal = String(chars[i..<j])
                    guard Double(literal) != nil else {
                        lexError = SyntaxError(column: column, message: "not a number: \(literal)", expression: text)
                        return
                    }
                    tokens.append(Token(kind: .number, text: literal, column: column))
                    i = j
                } else if c.isLetter || c == "_" {
                    var j = i
                    while j < chars.count, chars[j].isLetter || chars[j].isNumber || "_-.".contains(chars[j]) { j += 1 }
                    let word = String(chars[i..<j])
                    let kind: Token.Kind
                    switch word {
                    case "and": kind = .and
                    case "or": kind = .or
                    case "not": kind = .not
                    case "true", "false": kind = .bool
                    default: kind = .name
                    }
                    tokens.append(Token(kind: kind, text: word, column: column))
                    i = j
                } else {
                    lexError = SyntaxError(column: column, message: "unexpected character '\(c)'", expression: text)
                    return
                }
            }
        }

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        func error(at token: Token?, _ message: String) -> SyntaxError {
            SyntaxError(column: token?.column ?? (text.count + 1), message: message, expression: text)
        }

        mutating func parseOr() throws(SyntaxError) -> WhereExpression {
            if let lexError { throw lexError }
            var left = try parseAnd()
            while peek?.kind == .or {
                index += 1
                left = .or(left, try parseAnd())
            }
            return left
        }

        mutating func parseAnd() throws(SyntaxError) -> WhereExpression {
            var left = try parseUnary()
            while peek?.kind == .and {
                index += 1
                left = .and(left, try parseUnary())
            }
            return left
        }

        mutating func parseUnary() throws(SyntaxError) -> WhereExpression {
            guard let token = peek else { throw error(at: nil, "the expression ends early: expected a comparison") }
            switch token.kind {
            case .not:
                index += 1
                return .not(try parseUnary())
            case .open:
                index += 1
                let inner = try parseOr()
                guard peek?.kind == .close else { throw error(at: peek, "expected ')' to close the '(' at column \(token.column)") }
                index += 1
                return inner
            case .name:
                index += 1
                guard let op = peek, op.kind == .op, let parsed = Operator(rawValue: op.text) else {
                    throw error(at: peek, "expected a comparison operator (== != < <= > >=) after \(token.text)")
                }
                index += 1
                guard let value = peek else { throw error(at: nil, "expected a value after \(op.text)") }
                index += 1
                let literal: Literal
                switch value.kind {
                case .number: literal = .number(Double(value.text)!)
                case .string: literal = .string(value.text)
                case .bool: literal = .bool(value.text == "true")
                case .name: literal = .string(value.text)
                default: throw error(at: value, "expected a number, a quoted string, true or false after \(op.text)")
                }
                return .comparison(name: token.text, op: parsed, literal: literal)
            default:
                throw error(at: token, "unexpected \(token.text); expected a criterion, overall or a field name")
            }
        }
    }

    /// Names the expression compares, to check them against the rubric and the fields before exporting.
    public var names: [String] {
        switch self {
        case .comparison(let name, _, _): return [name]
        case .and(let a, let b), .or(let a, let b): return a.names + b.names
        case .not(let a): return a.names
        }
    }

    // MARK: checking names and types

    /// What a name stands for, so an expression is checked before any item is: a misspelt name or a
    /// comparison of the wrong type would otherwise quietly be false for every item.
    public enum NameType: Sendable, Equatable {
        case number
        case flag
        case choice([String])
        /// A field some item has; its values may be of any type.
        case field
    }

    public struct NameError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { "--where: " + message }
    }

    /// Checks every comparison's name against `types` and its literal against the name's type.
    public func check(types: [String: NameType]) throws(NameError) {
        switch self {
        case .and(let a, let b), .or(let a, let b):
            try a.check(types: types)
            try b.check(types: types)
        case .not(let a):
            try a.check(types: types)
        case .comparison(let name, let op, let literal):
            guard let type = types[name] else {
                throw NameError(message: "'\(name)' is neither a criterion of the rubric, overall, nor a field of any item (names: "
                    + types.keys.sorted().joined(separator: ", ") + ")")
            }
            func shown(_ literal: Literal) -> String {
                switch literal {
                case .number(let x): return JSONValue.format(x)
                case .string(let s): return "\"\(s)\""
                case .bool(let b): return String(b)
                }
            }
            switch (type, literal) {
            case (.field, _), (.number, .number), (.flag, .bool):
                break
            case (.number, .string(let s)) where Double(s) != nil:
                break
            case (.number, _):
                throw NameError(message: "\(name) is a number: compare it with a number, not \(shown(literal))")
            case (.flag, _):
                throw NameError(message: "\(name) is a flag: compare it with true or false, not \(shown(literal))")
            case (.choice(let values), .string(let s)):
                guard values.contains(s) else {
                    throw NameError(message: "\(shown(literal)) is not a choice of \(name) (choices: \(values.joined(separator: ", ")))")
                }
            case (.choice(let values), _):
                throw NameError(message: "\(name) is a choice: compare it with one of \(values.map { "\"\($0)\"" }.joined(separator: ", ")), not \(shown(literal))")
            }
            if type == .flag && op != .equal && op != .notEqual {
                throw NameError(message: "\(name) is a flag: compare it with == or !=, not \(op.rawValue)")
            }
        }
    }

    // MARK: evaluation

    /// A value an item has under a name: a number (scales, overall, flag probabilities count as
    /// true at 0.5 or more), a flag or a text.
    public enum Value: Sendable, Equatable {
        case number(Double)
        case flag(Bool)
        case text(String)
    }

    public func evaluate(_ lookup: (String) -> Value?) -> Bool {
        switch self {
        case .and(let a, let b): return a.evaluate(lookup) && b.evaluate(lookup)
        case .or(let a, let b): return a.evaluate(lookup) || b.evaluate(lookup)
        case .not(let a): return !a.evaluate(lookup)
        case .comparison(let name, let op, let literal):
            guard let value = lookup(name) else { return op == .notEqual }
            guard let order = WhereExpression.compare(value, literal) else { return op == .notEqual }
            switch op {
            case .equal: return order == 0
            case .notEqual: return order != 0
            case .less: return order < 0
            case .lessOrEqual: return order <= 0
            case .greater: return order > 0
            case .greaterOrEqual: return order >= 0
            }
        }
    }

    /// -1, 0 or 1; nil when the two cannot be compared (a number with a text).
    static func compare(_ value: Value, _ literal: Literal) -> Int? {
        switch (value, literal) {
        case (.number(let a), .number(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.flag(let a), .bool(let b)): return a == b ? 0 : (a ? 1 : -1)
        case (.text(let a), .string(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.text(let a), .number(let b)):
            guard let x = Double(a) else { return nil }
            return x < b ? -1 : (x > b ? 1 : 0)
        case (.number(let a), .string(let b)):
            guard let y = Double(b) else { return nil }
            return a < y ? -1 : (a > y ? 1 : 0)
        case (.flag(let a), .string(let b)): return String(a) == b ? 0 : nil
        case (.text(let a), .bool(let b)): return a == String(b) ? 0 : nil
        case (.flag, .number), (.number, .bool): return nil
        }
    }
}
