/// A key press (or terminal event) as the screens see it. Declared here, apart from any terminal:
/// the ncurses decoding lives in WinnowTerminal (`Key.from(wideChar:isKeyCode:terminalSize:)`).
/// Enter, Tab and Backspace have their own cases even though they are control
/// characters, because terminals send them as such (Ctrl-M, Ctrl-I, Ctrl-H or
/// DEL); other control characters are `.ctrl` with the lowercase letter.
public enum Key: Hashable, Sendable {
    case char(Character)
    case enter
    case tab
    case backTab
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    case insert
    case delete
    case backspace
    case escape
    case resize(width: Int, height: Int)
    case ctrl(Character)
    case function(Int)
}

extension Key {
    /// How help and footers name the key: "Enter", "Tab", "←", "Ctrl-U", "q".
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .backspace: return "Backspace"
        case .escape: return "Esc"
        case .resize: return "resize"
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .function(let n): return "F\(n)"
        }
    }
}
