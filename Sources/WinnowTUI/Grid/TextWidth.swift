/// Display width of text in terminal cells.
///
/// Rules, per grapheme cluster:
/// - East Asian Wide or Fullwidth (see `WideCharacterTable`) = 2;
/// - emoji with emoji presentation, an emoji followed by VS16 (U+FE0F),
///   emoji ZWJ sequences and flag pairs = 2;
/// - combining marks, joiners, variation selectors and other zero-width
///   format characters = 0 — they belong to the cluster before them, so a
///   cluster is measured by its base;
/// - control characters = 0 (they never reach the terminal; see `Sanitizer`);
/// - everything else = 1.
///
/// Terminals disagree on a few of these (notably text-default emoji followed
/// by VS16); the rules follow what current terminal emulators mostly do.
public enum TextWidth {
    /// Width of a whole string: the sum of its grapheme clusters' widths.
    public static func width(of text: String) -> Int {
        var total = 0
        for character in text {
            total += width(of: character)
        }
        return total
    }

    /// Width of a substring: the sum of its grapheme clusters' widths.
    public static func width(of text: Substring) -> Int {
        var total = 0
        for character in text {
            total += width(of: character)
        }
        return total
    }

    /// Width of one grapheme cluster: 0, 1 or 2.
    public static func width(of character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        // Fast path: printable ASCII is by far the most common.
        if scalars.count == 1 {
            return width(of: first)
        }
        var regionalIndicators = 0
        var hasVS16 = false
        var hasVS15 = false
        var hasZWJ = false
        for scalar in scalars {
            switch scalar.value {
            case 0x1F1E6...0x1F1FF: regionalIndicators += 1
            case 0xFE0F: hasVS16 = true
            case 0xFE0E: hasVS15 = true
            case 0x200D: hasZWJ = true
            default: break
            }
        }
        if regionalIndicators >= 2 { return 2 }
        // The base is the first scalar that takes space (a cluster may start
        // with a prepended concatenation mark or similar).
        let base = scalars.first { width(of: $0) > 0 } ?? first
        let baseWidth = width(of: base)
        if baseWidth == 0 { return 0 }
        if base.properties.isEmoji {
            if hasVS16 || (hasZWJ && !hasVS15) { return 2 }
            if hasVS15 && !isWide(base) { return 1 }
        }
        return baseWidth
    }

    /// Width of a single scalar on its own: 0, 1 or 2.
    public static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value >= 0x20 && value < 0x7F { return 1 }
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if isZeroWidth(scalar) { return 0 }
        if isWide(scalar) { return 2 }
        if scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// True when the scalar is drawn on top of (or joined to) its neighbour
    /// rather than taking a cell of its own.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF:
            return true  // zero-width space, joiners, marks, bidi controls, BOM
        case 0x1160...0x11FF, 0xD7B0...0xD7FF:
            return true  // Hangul medial vowels and final consonants (conjoining)
        case 0xFE00...0xFE0F, 0xE0100...0xE01EF:
            return true  // variation selectors
        default:
            break
        }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format:
            return true
        default:
            return false
        }
    }

    /// True when the scalar's East Asian Width is Wide or Fullwidth.
    static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x1100 { return false }
        let bounds = WideCharacterTable.bounds
        // Binary search over pairs: find the last range whose lower bound <= value.
        var low = 0
        var high = bounds.count / 2 - 1
        while low <= high {
            let middle = (low + high) / 2
            if bounds[middle * 2] <= value {
                if value <= bounds[middle * 2 + 1] { return true }
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return false
    }
}
