/// What the app loop needs of a terminal: its size, painting a grid, reading a key with a timeout.
/// WinnowTerminal's ncurses `Terminal` is one; tests use a scripted one.
@MainActor
public protocol TerminalDevice: AnyObject {
    func size() -> (width: Int, height: Int)
    func paint(_ grid: Grid)
    /// Waits up to `timeoutMilliseconds` for a key; nil when none came (or the key is not one the app uses).
    func readKey(timeoutMilliseconds: Int32) -> Key?
    /// Forgets what is believed to be on screen: the next paint redraws every cell (after a resize,
    /// when the terminal's contents can no longer be trusted).
    func invalidate()
}
