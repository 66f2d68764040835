/// The keys of the labeling screen, as the footer and the help overlay list them: one list, so the
/// two never disagree.
public enum KeyHelp {
    public struct Entry: Sendable {
        public var keys: String
        public var action: String
        /// Shown in the footer (the rest only in the help overlay).
        public var inFooter: Bool
    }

    public static let labeling: [Entry] = [
        Entry(keys: "value keys", action: "set the focused criterion, focus moves on", inFooter: false),
        Entry(keys: "Tab/↓ ⇧Tab/↑", action: "next / previous criterion", inFooter: true),
        Entry(keys: "Backspace", action: "clear the focused criterion", inFooter: false),
        Entry(keys: "Enter", action: "save and show the next item", inFooter: true),
        Entry(keys: "s", action: "skip (the item comes back later)", inFooter: true),
        Entry(keys: "u", action: "undo the last save and return to it", inFooter: true),
        Entry(keys: "←/p →/n", action: "walk this session's history (edit a saved label)", inFooter: true),
        Entry(keys: "g", action: "go to an item by key", inFooter: true),
        Entry(keys: "c", action: "add a note to the label", inFooter: true),
        Entry(keys: "f", action: "flag the item for the lead", inFooter: true),
        Entry(keys: "o", action: "open the image in a viewer", inFooter: true),
        Entry(keys: "j/k PgUp/PgDn", action: "scroll the item", inFooter: true),
        Entry(keys: "?", action: "all keys", inFooter: true),
        Entry(keys: "q", action: "quit (everything saved is kept)", inFooter: true),
    ]

    public static let prompt: [Entry] = [
        Entry(keys: "Enter", action: "accept", inFooter: true),
        Entry(keys: "Esc", action: "cancel", inFooter: true),
        Entry(keys: "Ctrl-U", action: "clear", inFooter: true),
    ]
}
