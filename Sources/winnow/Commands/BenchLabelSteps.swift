import Foundation
import WinnowBench
import WinnowCore
import WinnowTUI

/// The labeling-screen steps of `winnow bench`, run headless through `LabelController` (the controller
/// `winnow label` drives) on the bench database: no terminal is set up, and "paint" copies the frame into
/// a headless screen buffer the way the ncurses backend walks it (see `HeadlessScreen`).
enum BenchLabelSteps {
    static let width = 120
    static let height = 40

    static func controller(store: Store, rubric: Rubric, annotator: String) throws -> LabelController {
        let controller = try LabelController(store: store, rubric: rubric, annotator: annotator, imagesDirectory: nil, colorMode: .palette256)
        controller.resize(width: width, height: height)
        return controller
    }

    /// Seconds from opening the database to the first frame painted: `Store` open, `LabelController`
    /// init (the queue's ordering started in the background), `start()` (first item served and leased),
    /// `frame()` and a headless paint.
    /// Excludes process start and terminal setup (ncurses initscr), which do not depend on the data.
    static func firstItem(databasePath: String, rubric: Rubric, annotator: String) throws -> Double {
        let screen = HeadlessScreen(width: width, height: height)
        let started = BenchProcess.now()
        let store = try Store(path: databasePath)
        let controller = try self.controller(store: store, rubric: rubric, annotator: annotator)
        try controller.start()
        screen.paint(controller.frame())
        let seconds = BenchProcess.now() - started
        guard controller.currentItem != nil else { throw BenchProcess.Failure(description: "first_item: no item was served") }
        // The queue goes on being ordered in the background; let it finish (untimed) so it does not run
        // beside the next step, which a real session would not see.
        try controller.waitForQueueOrder()
        return seconds
    }

    /// Value keys for every criterion (focus moves on after each), as an annotator types them.
    static func valueKeys(_ rubric: Rubric, variant: Int) -> [Key] {
        rubric.criteria.flatMap { criterion -> [Key] in
            let keys = criterion.keys
            guard !keys.isEmpty else {
                // A typed scale: the value's characters, then Enter in case a longer value starts with them.
                let value = criterion.values[(variant + criterion.values.count / 2) % criterion.values.count]
                return value.text.map { Key.char($0) } + [.enter]
            }
            let binding = keys[(variant + keys.count / 2) % keys.count]
            return [.char(binding.key)]
        }
    }

    /// Milliseconds from Enter (save) to the next item's frame ready and painted, `count` times.
    static func saveNext(store: Store, rubric: Rubric, annotator: String, count: Int) throws -> [Double] {
        let controller = try self.controller(store: store, rubric: rubric, annotator: annotator)
        try controller.start()
        let screen = HeadlessScreen(width: width, height: height)
        screen.paint(controller.frame())
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for i in 0..<count {
            guard let before = controller.currentItem else { break }
            for key in valueKeys(rubric, variant: i) {
                _ = try controller.handle(.key(key))
                screen.paint(controller.frame())
            }
            let started = BenchProcess.now()
            _ = try controller.handle(.key(.enter))
            screen.paint(controller.frame())
            samples.append((BenchProcess.now() - started) * 1000)
            guard controller.currentItem != before else {
                throw BenchProcess.Failure(description: "save_next: Enter did not save (\(controller.state.message ?? ""))")
            }
        }
        return samples
    }

    /// The keys of the key_to_frame mix: value keys, Tab / Shift-Tab, arrows, j/k scrolling; no Enter.
    static func keyMix(_ rubric: Rubric, count: Int) -> [Key] {
        let values = rubric.criteria.flatMap(\.keys).map { Key.char($0.key) } + (rubric.criteria.contains(where: \.typedEntry) ? [.char("0")] : [])
        let moves: [Key] = [.tab, .char("j"), .char("j"), .char("k"), .backTab, .down, .char("j"), .up, .char("k"), .pageDown, .pageUp]
        var keys: [Key] = []
        var rng = SeededGenerator(seed: 42)
        while keys.count < count {
            keys.append(rng.next() % 2 == 0 ? values[Int(rng.next() % UInt64(values.count))] : moves[Int(rng.next() % UInt64(moves.count))])
        }
        return keys
    }

    /// Milliseconds for `handle(.key(key))` + `frame()` + headless paint, one sample per key, while
    /// `keepGoing` says so (at least `minimum` keys).
    static func keyToFrame(controller: LabelController, rubric: Rubric, minimum: Int, keepGoing: () -> Bool = { false }) throws -> [Double] {
        let screen = HeadlessScreen(width: width, height: height)
        screen.paint(controller.frame())
        let keys = keyMix(rubric, count: 997)
        var samples: [Double] = []
        var i = 0
        while samples.count < minimum || keepGoing() {
            let key = keys[i % keys.count]
            i += 1
            let started = BenchProcess.now()
            _ = try controller.handle(.key(key))
            screen.paint(controller.frame())
            samples.append((BenchProcess.now() - started) * 1000)
        }
        return samples
    }
}

/// A screen buffer standing in for the terminal: `paint` walks the grid as the ncurses backend does (only
/// the cells that changed since the last frame, or all after a size change; attributes, colour numbers and
/// a colour-pair lookup, the cell's scalars copied into the screen's character cells), without a terminal.
final class HeadlessScreen {
    static let scalarsPerCell = 5
    let width: Int
    let height: Int
    private var characters: [UInt32]
    private var attributes: [UInt32]
    private var pairs: [Int64: Int32] = [:]
    private var painted: Grid?
    private let capability = ColorCapability.palette256

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        characters = Array(repeating: 0x20, count: width * height * HeadlessScreen.scalarsPerCell)
        attributes = Array(repeating: 0, count: width * height)
    }

    func paint(_ grid: Grid) {
        let previous = painted.flatMap { $0.width == width && $0.height == height ? $0 : nil }
        if previous == nil {
            for i in characters.indices { characters[i] = 0x20 }
        }
        grid.forEachCellToPaint(since: previous) { x, y, cell in
            guard x < width, y < height else { return }
            if cell.width == 2 && x + 1 >= width { return }
            let fg = capability.colorNumber(for: cell.foreground)
            let bg = capability.colorNumber(for: cell.background)
            let pairKey = Int64(fg) << 32 | Int64(UInt32(bitPattern: bg))
            let pair: Int32
            if let known = pairs[pairKey] {
                pair = known
            } else {
                pair = Int32(pairs.count + 1)
                pairs[pairKey] = pair
            }
            attributes[y * width + x] = UInt32(cell.attributes.rawValue) << 16 | UInt32(pair)
            let base = (y * width + x) * HeadlessScreen.scalarsPerCell
            var k = 0
            for scalar in cell.text.unicodeScalars where k < HeadlessScreen.scalarsPerCell {
                characters[base + k] = scalar.value
                k += 1
            }
            while k < HeadlessScreen.scalarsPerCell {
                characters[base + k] = 0x20
                k += 1
            }
        }
        painted = grid
    }
}
