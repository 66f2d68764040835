/// The keys of the labeling screen, as the footer and the help overlay list them: one list, so the
/// two never disagree.
public enum KeyHelp {
    public struct Entry: Sendable {
        public var keys: String
        public var action: String
        /// The footer's one-word form.
        public var short: String
        /// Shown in the footer (the rest only in the help overlay).
        public var inFooter: Bool
    }

    /// In footer priority order: when the terminal is narrow the footer keeps the first ones.
    public static let labeling: [Entry] = [
        Entry(keys: "value keys", action: "set the focused criterion, focus moves on", short: "set", inFooter: false),
        Entry(keys: "Enter", action: "save and show the next item", short: "save", inFooter: true),
        Entry(keys: "Tab/↑↓", action: "next / previous criterion (Shift-Tab, ↑ go back)", short: "criterion", inFooter: true),
        Entry(keys: "s", action: "skip (the item comes back later)", short: "skip", inFooter: true),
        Entry(keys: "u", action: "undo the last save and return to it", short: "undo", inFooter: true),
        Entry(keys: "?", action: "all keys", short: "keys", inFooter: true),
        Entry(keys: "q", action: "quit (everything saved is kept)", short: "quit", inFooter: true),
        Entry(keys: "←→", action: "walk this session's history (p / n too); edit a saved label", short: "history", inFooter: true),
        Entry(keys: "c", action: "add a note to the label", short: "note", inFooter: true),
        Entry(keys: "f", action: "flag the item for the lead", short: "flag", inFooter: true),
        Entry(keys: "g", action: "go to an item by key", short: "go to", inFooter: true),
        Entry(keys: "o", action: "open the image in a viewer ($WINNOW_IMAGE_VIEWER, else xdg-open)", short: "image", inFooter: true),
        Entry(keys: "j/k", action: "scroll the item (PgUp/PgDn by pages, Home to the top)", short: "scroll", inFooter: true),
        Entry(keys: "Backspace", action: "clear the focused criterion", short: "clear", inFooter: false),
    ]

    public static let prompt: [Entry] = [
        Entry(keys: "Enter", action: "accept", short: "accept", inFooter: true),
        Entry(keys: "Esc", action: "cancel", short: "cancel", inFooter: true),
        Entry(keys: "Ctrl-U", action: "clear", short: "clear", inFooter: true),
    ]
}
