/// What a screen receives: a key, a tick of the clock (the app loop reads keys with a timeout, so a
/// screen can notice a change in the database without a key press), or a result posted from the
/// background (`Inbox`).
public enum ScreenEvent {
    case key(Key)
    case tick(now: Double)
    case message(any AppMessage)
}

/// What a screen asks of the app loop after an event.
public enum ScreenTransition {
    /// Stay; repaint if the screen changed.
    case stay
    /// Put a screen on top (help, a prompt, a chooser); the one below keeps its state.
    case push(any Screen)
    /// Take this screen off the stack; the one below is shown again.
    case pop
    /// Take this screen off the stack and put another in its place (a prompt that leads to a chooser).
    case replace(any Screen)
    /// End the app (everything saved is kept).
    case quit
}

/// A result from background work (a refit, another process's change) for the screens: posted to the
/// app's `Inbox` from any thread, delivered to every screen on the stack by the app loop.
public protocol AppMessage: Sendable {}

/// One screen of the app. It renders a grid from its own state and handles events; it never talks to
/// the terminal (this target cannot: it does not depend on ncurses).
public protocol Screen: AnyObject {
    /// Draws the screen at this size. An overlay (`isOverlay`) draws over `below`, the frame of the
    /// screen under it; other screens get nil. The loop asks only at `ScreenFrame`'s minimum size or
    /// larger (below it, it shows the too-small message itself).
    func render(width: Int, height: Int, below: Grid?) -> Grid
    /// Handles one event.
    func handle(_ event: ScreenEvent) throws -> ScreenTransition
    /// The terminal's size, at the start and on every resize (before the resize key is delivered).
    func resize(width: Int, height: Int)
    /// Drawn over the screen below it (help, a prompt) rather than in its place.
    var isOverlay: Bool { get }
}

extension Screen {
    public func resize(width: Int, height: Int) {}
    public var isOverlay: Bool { false }
}
