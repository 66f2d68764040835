/// Wraps displayable text into lines no wider than a given number of cells.
///
/// Guarantees, for any input and any width >= 1:
/// - no returned line is wider than `width` cells (measured with `TextWidth`,
///   so wide characters count 2; a wide character cannot fit a width of 1 and
///   is then replaced by `…`);
/// - grapheme clusters are never split;
/// - explicit newlines are paragraph breaks, and an empty paragraph is an
///   empty line;
/// - lines break at spaces (which are dropped at the break), between CJK
///   ideographs, kana and hangul (which use no spaces), and inside a word only
///   when the word alone is wider than the line;
/// - closing punctuation such as `。` or `)` is not moved to the start of a line;
/// - continuation lines of a paragraph are indented by `hangingIndent` spaces
///   (ignored when it would leave fewer than 2 columns, the width of a wide
///   character).
///
/// The text should already be displayable (see `Sanitizer`); wrapping does not
/// sanitize.
public enum WordWrap {
    /// `text` wrapped to `width` cells. Returns no lines when `width` < 1.
    public static func wrap(_ text: String, width: Int, hangingIndent: Int = 0) -> [String] {
        guard width >= 1 else { return [] }
        let indent = hangingIndent > 0 && width - hangingIndent >= 2 ? hangingIndent : 0
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            wrapParagraph(paragraph, width: width, indent: indent, into: &lines)
        }
        return lines
    }

    private struct Token {
        var text: String
        var width: Int
        var isSpace: Bool
    }

    private static func wrapParagraph(
        _ paragraph: Substring, width: Int, indent: Int, into lines: inout [String]
    ) {
        let tokens = tokenize(paragraph, width: width)
        var line = ""
        var lineWidth = 0
        var pendingSpaces = ""
        var pendingWidth = 0
        var isFirstLine = true

        func available() -> Int { isFirstLine ? width : width - indent }
        func finishLine() {
            lines.append(isFirstLine ? line : String(repeating: " ", count: indent) + line)
            isFirstLine = false
            line = ""
            lineWidth = 0
            pendingSpaces = ""
            pendingWidth = 0
        }

        for token in tokens {
            if token.isSpace {
                pendingSpaces += token.text
                pendingWidth += token.width
                continue
            }
            // Spaces at the start of a continuation line are dropped; at the
            // start of the paragraph they are kept when they fit (indentation).
            if lineWidth == 0 && !isFirstLine {
                pendingSpaces = ""
                pendingWidth = 0
            }
            if lineWidth + pendingWidth + token.width <= available() {
                line += pendingSpaces + token.text
                lineWidth += pendingWidth + token.width
                pendingSpaces = ""
                pendingWidth = 0
                continue
            }
            if lineWidth > 0 {
                finishLine()
            } else {
                pendingSpaces = ""
                pendingWidth = 0
            }
            if token.width <= available() {
                line = token.text
                lineWidth = token.width
                continue
            }
            // A word wider than a whole line: break it between clusters.
            for character in token.text {
                let characterWidth = TextWidth.width(of: character)
                if lineWidth + characterWidth > available() && lineWidth > 0 {
                    finishLine()
                }
                line.append(character)
                lineWidth += characterWidth
            }
        }
        if lineWidth > 0 || isFirstLine {
            lines.append(isFirstLine ? line : String(repeating: " ", count: indent) + line)
        }
    }

    /// Splits a paragraph into runs of spaces and unbreakable words. Each CJK
    /// character is a word of its own; closing punctuation sticks to the word
    /// before it. A cluster wider than `width` becomes `…`.
    private static func tokenize(_ paragraph: Substring, width: Int) -> [Token] {
        var tokens: [Token] = []
        var word = ""
        var wordWidth = 0

        func flushWord() {
            if !word.isEmpty {
                tokens.append(Token(text: word, width: wordWidth, isSpace: false))
            }
            word = ""
            wordWidth = 0
        }

        for original in paragraph {
            var character = original
            var characterWidth = TextWidth.width(of: character)
            if characterWidth > width {
                character = "…"
                characterWidth = 1
            }
            if isSpace(character) {
                flushWord()
                if let last = tokens.last, last.isSpace {
                    tokens[tokens.count - 1].text.append(character)
                    tokens[tokens.count - 1].width += characterWidth
                } else {
                    tokens.append(Token(text: String(character), width: characterWidth, isSpace: true))
                }
            } else if isNoBreakBefore(character) {
                if word.isEmpty, let last = tokens.last, !last.isSpace {
                    // Glue to the previous CJK word.
                    tokens[tokens.count - 1].text.append(character)
                    tokens[tokens.count - 1].width += characterWidth
                } else {
                    word.append(character)
                    wordWidth += characterWidth
                }
            } else if isIdeographic(character) {
                flushWord()
                word.append(character)
                wordWidth += characterWidth
                flushWord()
            } else {
                word.append(character)
                wordWidth += characterWidth
            }
        }
        flushWord()
        return tokens
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\u{3000}"
    }

    /// Ideographs, kana, hangul and CJK symbols: a line may break before or
    /// after any of them.
    private static func isIdeographic(_ character: Character) -> Bool {
        guard let value = character.unicodeScalars.first?.value else { return false }
        switch value {
        case 0x1100...0x115F,  // Hangul Jamo initial consonants
            0x2E80...0x2FFF,  // CJK radicals, Kangxi, ideographic description
            0x3000...0x303F,  // CJK symbols and punctuation
            0x3040...0x30FF,  // Hiragana, Katakana
            0x3100...0x31FF,  // Bopomofo, Hangul compatibility jamo, Katakana ext.
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA960...0xA97F,  // Hangul Jamo extended A
            0xAC00...0xD7AF,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFF00...0xFF60,  // Fullwidth forms
            0x20000...0x3FFFF:  // CJK extensions B and later
            return true
        default:
            return false
        }
    }

    /// Closing punctuation that must not start a line.
    private static func isNoBreakBefore(_ character: Character) -> Bool {
        // Every character listed is one scalar: a one-scalar character is decided by its value (comparing
        // Characters was a tenth of wrapping an item); several scalars may still be canonically equal to
        // one listed ("ゝ" + combining dakuten is "ゞ") and take the comparison.
        let scalars = character.unicodeScalars
        if let scalar = scalars.first, scalars.index(after: scalars.startIndex) == scalars.endIndex {
            switch scalar.value {
            case 0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF01, 0xFF1F, 0xFF09, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009,
                0x300B, 0x30FC, 0x3005, 0x309D, 0x309E, 0x30FD, 0x30FE, 0x29, 0x5D, 0x7D, 0x2C, 0x2E, 0x21, 0x3F, 0x3A, 0x3B:
                return true
            default:
                return false
            }
        }
        switch character {
        case "、", "。", "，", "．", "：", "；", "！", "？", "）", "」", "』", "】", "〕", "〉", "》",
            "ー", "々", "ゝ", "ゞ", "ヽ", "ヾ", ")", "]", "}", ",", ".", "!", "?", ":", ";":
            return true
        default:
            return false
        }
    }
}
