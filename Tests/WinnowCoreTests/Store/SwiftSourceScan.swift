import Foundation
import WinnowTestSupport

/// Splits Swift source into its string literals and its code, comments dropped: what the SQL boundary
/// check reads. Handles `"…"`, `"""…"""`, raw strings (`#"…"#`), escapes, interpolations (their code is
/// code, and may hold strings of its own) and nested block comments.
enum SwiftSourceScan {
    struct Literal: Equatable {
        /// The line the literal starts on, from 1.
        var line: Int
        var text: String
    }

    struct Result {
        var literals: [Literal] = []
        /// Code outside literals and comments, per line (from 1).
        var code: [Int: String] = [:]
    }

    private final class Frame {
        let isString: Bool
        let hashes: Int
        let multiline: Bool
        let line: Int
        var buffer: [UInt8] = []
        /// For an interpolation's code: open parentheses inside it.
        var parens = 0

        init(isString: Bool, hashes: Int = 0, multiline: Bool = false, line: Int) {
            self.isString = isString
            self.hashes = hashes
            self.multiline = multiline
            self.line = line
        }
    }

    static func scan(_ source: String) -> Result {
        let b = Array(source.utf8)
        var result = Result()
        var codeBytes: [Int: [UInt8]] = [:]
        var line = 1
        var stack = [Frame(isString: false, line: 1)]
        var i = 0
        func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
        func hashes(from k: Int) -> Int {
            var n = 0
            while at(k + n) == UInt8(ascii: "#") { n += 1 }
            return n
        }
        func isTripleQuote(_ k: Int) -> Bool { at(k) == 0x22 && at(k + 1) == 0x22 && at(k + 2) == 0x22 }
        while i < b.count {
            let c = b[i]
            let top = stack[stack.count - 1]
            if c == 0x0A { line += 1 }
            if !top.isString {
                if c == UInt8(ascii: "/"), at(i + 1) == UInt8(ascii: "/") {
                    while i < b.count, b[i] != 0x0A { i += 1 }
                    continue
                }
                if c == UInt8(ascii: "/"), at(i + 1) == UInt8(ascii: "*") {
                    var depth = 0
                    repeat {
                        if b[i] == UInt8(ascii: "/"), at(i + 1) == UInt8(ascii: "*") { depth += 1; i += 2; continue }
                        if b[i] == UInt8(ascii: "*"), at(i + 1) == UInt8(ascii: "/") { depth -= 1; i += 2; continue }
                        if b[i] == 0x0A { line += 1 }
                        i += 1
                    } while i < b.count && depth > 0
                    continue
                }
                let n = c == UInt8(ascii: "#") ? hashes(from: i) : 0
                if at(i + n) == 0x22 {
                    let multiline = isTripleQuote(i + n)
                    stack.append(Frame(isString: true, hashes: n, multiline: multiline, line: line))
                    i += n + (multiline ? 3 : 1)
                    continue
                }
                if stack.count > 1 {
                    if c == UInt8(ascii: "(") { top.parens += 1 }
                    if c == UInt8(ascii: ")") {
                        if top.parens == 0 {
                            stack.removeLast()
                            i += 1
                            continue
                        }
                        top.parens -= 1
                    }
                }
                if c != 0x0A { codeBytes[line, default: []].append(c) }
                i += 1
                continue
            }
            // In a string.
            if c == UInt8(ascii: "\\"), hashes(from: i + 1) >= top.hashes {
                let after = i + 1 + top.hashes
                if at(after) == UInt8(ascii: "(") {
                    stack.append(Frame(isString: false, line: line))
                    i = after + 1
                    continue
                }
                top.buffer.append(contentsOf: b[i...min(after, b.count - 1)])
                if at(after) == 0x0A { line += 1 }
                i = after + 1
                continue
            }
            let closing = top.multiline ? isTripleQuote(i) : c == 0x22
            if closing, hashes(from: i + (top.multiline ? 3 : 1)) >= top.hashes {
                result.literals.append(Literal(line: top.line, text: String(decoding: top.buffer, as: UTF8.self)))
                stack.removeLast()
                i += (top.multiline ? 3 : 1) + top.hashes
                continue
            }
            top.buffer.append(c)
            i += 1
        }
        result.code = codeBytes.mapValues { String(decoding: $0, as: UTF8.self) }
        return result
    }
}
