import Foundation

/// The one loop every screen runs in: a stack of screens (the top one gets the keys), a terminal read
/// with a timeout so that ticks and background results arrive without a key press, and a repaint
/// whenever the composed frame changed.
///
/// `run(on:)` drives a real terminal; `send`, `tick` and `frame` are the same steps for tests and the
/// bench, which drive screens headless.
public final class AppLoop {
    public private(set) var stack: [any Screen]
    public let inbox: Inbox
    /// How long a key read waits before the screens get a tick.
    public var tickMilliseconds: Int32 = 250
    private let now: () -> Double
    private var size = (width: 120, height: 40)
    private var painted: Grid?
    /// Set by a resize or Ctrl-L: the next paint redraws every cell.
    private var redrawRequested = false

    /// Redraws the whole screen on every screen (the app loop takes it before the screens see it).
    public static let redrawKey = Key.ctrl("l")
    public static let redrawHint = KeyHint(keys: "Ctrl-L", help: "redraw the whole screen", short: "redraw")

    public init(root: any Screen, inbox: Inbox = Inbox(), now: @escaping () -> Double = { Date().timeIntervalSince1970 }) {
        stack = [root]
        self.inbox = inbox
        self.now = now
    }

    public var top: (any Screen)? { stack.last }
    public var isDone: Bool { stack.isEmpty }

    /// Runs until a screen quits (or the last screen pops). Errors thrown by a screen end the loop.
    @MainActor
    public func run(on device: any TerminalDevice) throws {
        let s = device.size()
        resize(width: s.width, height: s.height)
        paint(on: device)
        while !isDone {
            let key = device.readKey(timeoutMilliseconds: tickMilliseconds)
            if let key, try !send(key) { break }
            if redrawRequested {
                // After a resize (often a burst of them), or on Ctrl-L, the screen's contents are not
                // to be trusted: repaint every cell.
                redrawRequested = false
                device.invalidate()
                painted = nil
            }
            try tick()
            paint(on: device)
        }
    }

    /// Puts a screen on top, as a `.push` transition does (e.g. the guidelines at the start).
    public func push(_ screen: any Screen) {
        _ = apply(.push(screen), from: screen)
    }

    /// Tells every screen the terminal's size.
    public func resize(width: Int, height: Int) {
        size = (width, height)
        for screen in stack { screen.resize(width: width, height: height) }
    }

    /// Delivers a key to the top screen; false once the app is done (a quit, or the last screen popped).
    @discardableResult
    public func send(_ key: Key) throws -> Bool {
        if case .resize(let w, let h) = key {
            resize(width: w, height: h)
            redrawRequested = true
        }
        if key == Self.redrawKey {
            redrawRequested = true
            return !isDone
        }
        guard let screen = top else { return false }
        return apply(try screen.handle(.key(key)), from: screen)
    }

    /// Delivers a tick and then everything background work posted, to every screen on the stack
    /// (bottom first: a screen under a prompt keeps its figures current too).
    public func tick() throws {
        let t = now()
        for screen in stack {
            guard apply(try screen.handle(.tick(now: t)), from: screen) else { return }
        }
        let messages = inbox.drain()
        for message in messages {
            for screen in stack {
                guard apply(try screen.handle(.message(message)), from: screen) else { return }
            }
        }
    }

    /// The composed frame: the topmost screen that is not an overlay, with the overlays above it drawn on;
    /// below the minimum size, for every screen, the too-small message.
    public func frame() -> Grid {
        if let small = ScreenFrame.tooSmall(width: size.width, height: size.height) { return small }
        let base = stack.lastIndex { !$0.isOverlay } ?? 0
        var grid: Grid?
        for screen in stack[base...] {
            grid = screen.render(width: size.width, height: size.height, below: grid)
        }
        return grid ?? Grid(width: size.width, height: size.height)
    }

    @MainActor
    private func paint(on device: any TerminalDevice) {
        guard !isDone else { return }
        let grid = frame()
        if grid != painted {
            device.paint(grid)
            painted = grid
        }
    }

    /// Carries out a transition; false once the app is done.
    private func apply(_ transition: ScreenTransition, from screen: any Screen) -> Bool {
        switch transition {
        case .stay: break
        case .push(let next):
            next.resize(width: size.width, height: size.height)
            stack.append(next)
        case .pop:
            if let i = stack.lastIndex(where: { $0 === screen }) { stack.remove(at: i) }
        case .replace(let next):
            if let i = stack.lastIndex(where: { $0 === screen }) { stack.remove(at: i) }
            next.resize(width: size.width, height: size.height)
            stack.append(next)
        case .quit:
            stack.removeAll()
        }
        return !isDone
    }
}
