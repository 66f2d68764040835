import CNcursesw
import Foundation
import WinnowTUI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one place that talks to ncurses: starts and restores the terminal,
/// paints a `Grid`, and reads keys.
///
/// Guarantees:
/// - main actor only (ncurses is not thread-safe);
/// - the terminal is restored on `stop()`, at process exit (`atexit`) and on
///   SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE and SIGILL
///   (see the trade-off documented in the CNcursesw shim: `endwin` is not
///   strictly async-signal-safe, but leaving a raw terminal is worse);
/// - only sanitized `Cell`s are ever written, so data cannot inject escape
///   sequences; the terminal's colour support is honoured (`ColorCapability`).
///
/// It holds no layout logic: screens build a `Grid`; this paints it.
@MainActor
public final class Terminal {
    public private(set) var isActive = false
    public private(set) var colorCapability: ColorCapability = .none
    private var screen: OpaquePointer?
    private var pairs = ColorPairCache(capacity: 0)
    /// The grid ncurses' buffer holds, so the next frame draws only what changed.
    private var painted: Grid?
    /// The graphics protocol images are drawn with (from the environment, `GraphicsProtocol.detect`).
    public private(set) var graphics: GraphicsProtocol = .none
    /// The images on screen, as last drawn.
    private var placedImages: [ImagePlacement] = []

    public init() {}

    /// Takes over the terminal: UTF-8 locale, raw (or cbreak) mode, no echo,
    /// keypad keys decoded, hidden cursor, colours when available. With
    /// `raw`, Ctrl-C, Ctrl-Z and Ctrl-S arrive as keys instead of signals.
    /// Calling it again after `stop()` resumes the same screen.
    public func start(raw: Bool = true) throws(TerminalError) {
        if isActive { return }
        if screen == nil {
            guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
                throw TerminalError.notATerminal
            }
            setlocale(LC_ALL, "")
            if winnow_locale_is_utf8() == 0 {
                // Without a UTF-8 locale ncursesw cannot print wide characters.
                setlocale(LC_CTYPE, "C.UTF-8")
            }
            // A terminal that says it shows 24-bit colour (COLORTERM) under a palette TERM gets the
            // direct-colour variant of its terminfo entry when one is installed: ncurses draws true
            // colour only through such an entry.
            let env = { (name: String) in getenv(name).map { String(cString: $0) } }
            let direct = TerminalType.directColorVariant(term: env("TERM") ?? "", colorterm: env("COLORTERM") ?? "",
                                                         exists: TerminalType.terminfoExists)
            let opened = direct.flatMap { type in type.withCString { winnow_newterm($0) } } ?? winnow_newterm(nil)
            guard let created = opened else {
                let term = getenv("TERM").map { String(cString: $0) } ?? ""
                throw TerminalError.cannotInitialize(term: term)
            }
            screen = created
            set_escdelay(25)
        }
        if raw { CNcursesw.raw() } else { cbreak() }
        noecho()
        nonl()
        keypad(winnow_stdscr(), true)
        curs_set(0)
        setUpColors()
        graphics = GraphicsProtocol.detect(ProcessInfo.processInfo.environment)
        winnow_set_terminal_active(1)
        winnow_install_restore_handlers()
        isActive = true
        painted = nil  // colour pairs were set up afresh
        clearok(winnow_stdscr(), true)
    }

    /// Gives the terminal back (endwin). Safe to call any number of times.
    public func stop() {
        guard isActive else { return }
        if !placedImages.isEmpty {
            if graphics == .kitty { writeRaw(KittyGraphics.deleteAll) }
            placedImages = []
        }
        isActive = false
        winnow_set_terminal_active(0)
        curs_set(1)
        endwin()
        winnow_remove_restore_handlers()
    }

    /// The terminal size in cells; (0, 0) when not started.
    public func size() -> (width: Int, height: Int) {
        guard isActive else { return (0, 0) }
        return (Int(max(0, winnow_width())), Int(max(0, winnow_height())))
    }

    /// Draws every cell of `grid` (clipped to the terminal) and updates the
    /// screen once, so a frame never flickers or shows half-drawn.
    public func paint(_ grid: Grid) {
        guard isActive else { return }
        if !draw(grid, since: painted) {
            // The frame needs more colour pairs than were free: start the
            // cache afresh and draw every cell again (pair numbers changed);
            // only a frame that alone needs more pairs than the terminal has
            // shows some cells in default colours.
            pairs.reset()
            _ = draw(grid, since: nil)
        }
        painted = grid
        wnoutrefresh(winnow_stdscr())
        doupdate()
        // Images go after the cells: the escape sequences are written straight to the terminal (ncurses
        // does not know them), with the cursor saved and restored around each.
        switch graphics {
        case .kitty: writeRaw(KittyGraphics.update(from: placedImages, to: grid.images))
        case .sixel: writeRaw(SixelGraphics.update(from: placedImages, to: grid.images, cell: cellPixels()))
        case .none: break
        }
        placedImages = grid.images
    }

    /// The size of one cell in pixels, from the terminal's window size (10 × 20 when it does not say).
    private func cellPixels() -> (width: Int, height: Int) {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0, size.ws_xpixel > 0, size.ws_ypixel > 0 else {
            return (10, 20)
        }
        return (Int(size.ws_xpixel) / Int(size.ws_col), Int(size.ws_ypixel) / Int(size.ws_row))
    }

    private func writeRaw(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { return } }
                offset += n
            }
        }
    }

    /// The next paint clears the terminal and draws every cell.
    public func invalidate() {
        guard isActive else { return }
        painted = nil
        // A cleared screen loses the images too; the next paint places them again.
        if !placedImages.isEmpty {
            if graphics == .kitty { writeRaw(KittyGraphics.deleteAll) }
            placedImages = []
        }
        clearok(winnow_stdscr(), true)
    }

    /// Waits up to `timeoutMilliseconds` (negative: forever) for a key.
    /// Nil on timeout and for keys the app does not use.
    public func readKey(timeoutMilliseconds: Int32) -> Key? {
        guard isActive else { return nil }
        var value: UInt32 = 0
        let result = winnow_read_key(timeoutMilliseconds, &value)
        if result == winnow_err() { return nil }
        return Key.from(
            wideChar: value, isKeyCode: result == winnow_key_code_yes(), terminalSize: size())
    }

    private func setUpColors() {
        let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        guard !noColor, has_colors() else {
            colorCapability = .none
            pairs = ColorPairCache(capacity: 0)
            return
        }
        start_color()
        use_default_colors()
        colorCapability = ColorCapability.detect(
            noColor: false, hasColors: true, colors: Int(winnow_colors()))
        pairs = ColorPairCache(capacity: Int(winnow_color_pairs()) - 1)
    }

    /// Draws the grid into ncurses' buffer, only the cells that differ from
    /// `previous` (what the buffer holds) when given; false when colour pairs
    /// ran out.
    private func draw(_ grid: Grid, since previous: Grid?) -> Bool {
        let (width, height) = size()
        // A different terminal size means ncurses' buffer no longer holds `previous`.
        let previous = previous.flatMap { $0.width == width && $0.height == height ? $0 : nil }
        if previous == nil { werase(winnow_stdscr()) }
        var allPairsFit = true
        var characters: [wchar_t] = []
        characters.reserveCapacity(TerminalGlyphs.maxScalarsPerGlyph + 1)
        grid.forEachCellToPaint(since: previous) { x, y, cell in
            guard x < width, y < height else { return }
            if cell.width == 2 && x + 1 >= width { return }
            let attributes = winnow_attributes(
                cell.attributes.contains(.bold) ? 1 : 0,
                cell.attributes.contains(.dim) ? 1 : 0,
                cell.attributes.contains(.reverse) ? 1 : 0,
                cell.attributes.contains(.underline) ? 1 : 0)
            var pair: Int32 = 0
            if colorCapability != .none {
                let foreground = colorCapability.colorNumber(for: cell.foreground)
                let background = colorCapability.colorNumber(for: cell.background)
                if let assignment = pairs.pair(foreground: foreground, background: background) {
                    if assignment.isNew {
                        init_extended_pair(assignment.pair, foreground, background)
                    }
                    pair = assignment.pair
                } else {
                    allPairsFit = false
                }
            }
            let glyphs = TerminalGlyphs.glyphs(for: cell) { Int(winnow_wcwidth($0)) }
            for (offset, glyph) in glyphs.enumerated() {
                characters.removeAll(keepingCapacity: true)
                for value in glyph { characters.append(wchar_t(bitPattern: value)) }
                characters.append(0)
                _ = winnow_put_cell(Int32(y), Int32(x + offset), characters, attributes, pair)
            }
        }
        return allPairsFit
    }
}

extension Terminal: TerminalDevice {}
