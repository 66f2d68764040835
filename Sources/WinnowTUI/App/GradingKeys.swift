/// Key commands every grading screen has (the labeling and the review screen), declared once: each
/// screen names its own actions for them.
public enum GradingKeys {
    public static func criterion<A>(next: A, previous: A) -> KeyCommand<A> {
        KeyCommand("Tab/↑↓", [(.tab, next), (.down, next), (.backTab, previous), (.up, previous)],
                   help: "next / previous criterion (Shift-Tab, ↑ go back)", short: "criterion")
    }

    public static func quit<A>(_ action: A, help: String) -> KeyCommand<A> {
        KeyCommand("q", [(.char("q"), action), (.ctrl("c"), action)], help: help, short: "quit")
    }

    public static func history<A>(previous: A, next: A, help: String) -> KeyCommand<A> {
        KeyCommand("←→", [(.left, previous), (.char("p"), previous), (.right, next), (.char("n"), next)], help: help, short: "history")
    }

    public static func scroll<A>(down: A, up: A, pageDown: A, pageUp: A, top: A) -> KeyCommand<A> {
        KeyCommand("j/k", [(.char("j"), down), (.char("k"), up), (.pageDown, pageDown), (.pageUp, pageUp), (.home, top)],
                   help: "scroll the item (PgUp/PgDn by pages, Home to the top)", short: "scroll")
    }

    public static func clear<A>(_ action: A) -> KeyCommand<A> {
        KeyCommand("Backspace", [(.backspace, action), (.delete, action)], help: "clear the focused criterion", short: "clear", inFooter: false)
    }
}
