import CNcursesw
import WinnowTUI

/// ncurses' key codes decoded into the screens' `Key`.
extension Key {
    /// Maps what ncurses' `wget_wch` returned to a key: `wideChar` is the
    /// character, or the `KEY_*` code when `isKeyCode` is true. Returns nil
    /// for codes the app does not use (mouse events, unknown keys) and for
    /// values that are not Unicode scalars. `.resize` carries `terminalSize`.
    public static func from(
        wideChar: UInt32, isKeyCode: Bool, terminalSize: (width: Int, height: Int) = (0, 0)
    ) -> Key? {
        if isKeyCode {
            return fromKeyCode(Int32(bitPattern: wideChar), terminalSize: terminalSize)
        }
        switch wideChar {
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x08, 0x7F: return .backspace
        case 0x1B: return .escape
        case 0x00: return .ctrl(" ")
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(wideChar + 0x60)!))
        case 0x1C: return .ctrl("\\")
        case 0x1D: return .ctrl("]")
        case 0x1E: return .ctrl("^")
        case 0x1F: return .ctrl("_")
        case 0x80...0x9F: return nil
        default:
            guard let scalar = Unicode.Scalar(wideChar) else { return nil }
            return .char(Character(scalar))
        }
    }

    private static func fromKeyCode(_ code: Int32, terminalSize: (width: Int, height: Int)) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME, KEY_A1: return .home
        case KEY_END, KEY_C1: return .end
        case KEY_IC: return .insert
        case KEY_DC: return .delete
        case KEY_BACKSPACE: return .backspace
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize(width: terminalSize.width, height: terminalSize.height)
        case (KEY_F0 + 1)...(KEY_F0 + 63): return .function(Int(code - KEY_F0))
        default: return nil
        }
    }
}
