/// Makes untrusted text safe and visible on a terminal.
///
/// Text in data files is untrusted: an escape sequence could clear the screen,
/// set the clipboard (OSC 52), retitle the window or worse, and invisible or
/// reordering characters could hide what an expert is grading. After
/// `displayable(_:)` the text contains no C0 or C1 control (other than newline),
/// no DEL, no bidi override or isolate and no other invisible format character;
/// each is replaced by a visible placeholder so the grader can see that
/// something was there:
///
/// - C0 controls U+0000–U+001F become their Control Pictures (U+2400 + code),
///   so ESC shows as `␛` and an escape sequence is visibly inert;
/// - tab becomes `tabWidth` spaces; CR LF becomes a newline, a lone CR `␍`;
/// - DEL becomes `␡`;
/// - C1 controls U+0080–U+009F (including the one-byte CSI U+009B) become `⍰`;
/// - bidi embeddings, overrides, isolates and marks, and other invisible
///   format characters (zero-width space, word joiner, BOM, soft hyphen, tag
///   characters, interlinear annotations) become `⍰`;
/// - line and paragraph separators (U+2028, U+2029) become newlines.
///
/// Zero-width joiner and non-joiner are kept: they are needed by emoji
/// sequences and by Persian and Indic scripts, and cannot reorder text. Tag
/// characters are kept only inside an emoji tag sequence (subdivision flags).
public enum Sanitizer {
    /// Shown in place of C1 controls and invisible format characters.
    public static let placeholder: Character = "\u{2370}"  // ⍰

    /// `text` made safe for the terminal; newlines are kept for `WordWrap`.
    public static func displayable(_ text: String, tabWidth: Int = 4) -> String {
        sanitize(text, tabWidth: tabWidth, keepNewlines: true)
    }

    /// Bytes decoded as UTF-8 (invalid sequences become U+FFFD), then made
    /// displayable.
    public static func displayable(bytes: some Sequence<UInt8>, tabWidth: Int = 4) -> String {
        displayable(String(decoding: Array(bytes), as: UTF8.self), tabWidth: tabWidth)
    }

    /// Like `displayable(_:)` but for a single line: newlines become `␤`.
    public static func displayableLine(_ text: String, tabWidth: Int = 4) -> String {
        sanitize(text, tabWidth: tabWidth, keepNewlines: false)
    }

    /// True when `text` needs no change to be displayable (the common case,
    /// checked without allocating).
    public static func isDisplayable(_ text: String, allowNewlines: Bool = true) -> Bool {
        for scalar in text.unicodeScalars where !isPlain(scalar) {
            if allowNewlines && scalar == "\n" { continue }
            return false
        }
        return true
    }

    private static func sanitize(_ text: String, tabWidth: Int, keepNewlines: Bool) -> String {
        if isDisplayable(text, allowNewlines: keepNewlines) { return text }
        var result = String.UnicodeScalarView()
        let newline: [Unicode.Scalar] = keepNewlines ? ["\n"] : ["\u{2424}"]
        for character in text {
            if character == "\r\n" {
                result.append(contentsOf: newline)
                continue
            }
            if isEmojiTagSequence(character) {
                result.append(contentsOf: character.unicodeScalars)
                continue
            }
            for scalar in character.unicodeScalars {
                if isPlain(scalar) {
                    result.append(scalar)
                } else {
                    result.append(contentsOf: replacement(for: scalar, tabWidth: tabWidth, newline: newline))
                }
            }
        }
        return String(result)
    }

    private static func replacement(
        for scalar: Unicode.Scalar, tabWidth: Int, newline: [Unicode.Scalar]
    ) -> [Unicode.Scalar] {
        switch scalar.value {
        case 0x0A, 0x2028, 0x2029:
            return newline
        case 0x09:
            return Array(repeating: " ", count: max(0, tabWidth))
        case 0x00...0x1F:
            return [Unicode.Scalar(0x2400 + scalar.value)!]
        case 0x7F:
            return ["\u{2421}"]
        default:
            return placeholder.unicodeScalars.map { $0 }
        }
    }

    /// True for scalars that may be sent to the terminal as they are.
    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return true }
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return false }
        switch value {
        case 0x200C, 0x200D:
            return true  // joiners: needed by emoji and several scripts
        case 0x2028, 0x2029:
            return false
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069:
            return false  // bidi marks, embeddings, overrides and isolates
        default:
            break
        }
        switch scalar.properties.generalCategory {
        case .format, .control, .lineSeparator, .paragraphSeparator:
            return false
        default:
            return true
        }
    }

    /// A black flag followed by tag characters and CANCEL TAG: the emoji form of
    /// subdivision flags (England, Scotland, Wales). Any other use of tag
    /// characters is a known way of hiding text, so it is not kept.
    private static func isEmojiTagSequence(_ character: Character) -> Bool {
        guard character.unicodeScalars.first?.value == 0x1F3F4 else { return false }
        let scalars = Array(character.unicodeScalars)
        guard scalars.count >= 3, scalars.first?.value == 0x1F3F4,
            scalars.last?.value == 0xE007F
        else { return false }
        return scalars.dropFirst().dropLast().allSatisfy { (0xE0020...0xE007E).contains($0.value) }
    }
}
