import WinnowCore

/// One line of a screen's key map: the keys, what each does, how help and the footer name it.
public struct KeyCommand<Action: Sendable & Equatable>: Sendable {
    /// Each key and the action it triggers (one line may pair keys with opposite actions: ←/→).
    public var bindings: [(key: Key, action: Action)]
    /// How help and the footer write the keys ("Tab/↑↓").
    public var keys: String
    /// The help's sentence.
    public var help: String
    /// The footer's one word.
    public var short: String
    /// Shown in the footer (every command is in the help).
    public var inFooter: Bool

    public init(_ keys: String? = nil, _ bindings: [(Key, Action)], help: String, short: String, inFooter: Bool = true) {
        self.bindings = bindings.map { (key: $0.0, action: $0.1) }
        self.keys = keys ?? bindings.map(\.0.label).joined(separator: "/")
        self.help = help
        self.short = short
        self.inFooter = inFooter
    }

    public init(_ key: Key, _ action: Action, help: String, short: String, inFooter: Bool = true) {
        self.init(nil, [(key, action)], help: help, short: short, inFooter: inFooter)
    }
}

/// A line of help or footer text, whatever map it came from.
public struct KeyHint: Sendable, Equatable {
    public var keys: String
    public var help: String
    public var short: String
    public init(keys: String, help: String, short: String) {
        self.keys = keys
        self.help = help
        self.short = short
    }
}

/// A screen's keys, declared once: input handling (`action(for:)`), the footer (`footer`) and the `?`
/// help (`help`) are all read from it, and so are the keys a rubric may not take (`characterKeys`,
/// `collisions(with:)`).
public struct KeyMap<Action: Sendable & Equatable>: Sendable {
    /// In footer priority order: a narrow footer keeps the first ones.
    public let commands: [KeyCommand<Action>]
    /// Help lines that are not keys of the map ("value keys: set the focused criterion"), listed first.
    public let notes: [KeyHint]

    public init(_ commands: [KeyCommand<Action>], notes: [KeyHint] = []) {
        self.commands = commands
        self.notes = notes
    }

    public func action(for key: Key) -> Action? {
        for command in commands {
            if let binding = command.bindings.first(where: { $0.key == key }) { return binding.action }
        }
        return nil
    }

    /// The same map with only the commands that have one of `actions`.
    public func restricted(to actions: [Action]) -> KeyMap {
        KeyMap(commands.filter { c in c.bindings.contains { actions.contains($0.action) } }, notes: [])
    }

    public var footer: [KeyHint] {
        commands.filter(\.inFooter).map { KeyHint(keys: $0.keys, help: $0.help, short: $0.short) }
    }

    public var help: [KeyHint] {
        notes + commands.map { KeyHint(keys: $0.keys, help: $0.help, short: $0.short) }
    }

    /// The printable characters the map binds.
    public var characterKeys: Set<Character> {
        var keys: Set<Character> = []
        for command in commands {
            for binding in command.bindings { if case .char(let c) = binding.key { keys.insert(c) } }
        }
        return keys
    }

    /// Keys bound twice in the map.
    public var duplicateKeys: [Key] {
        var seen: Set<Key> = []
        var duplicates: [Key] = []
        for command in commands {
            for binding in command.bindings where !seen.insert(binding.key).inserted { duplicates.append(binding.key) }
        }
        return duplicates
    }

    /// The rubric keys this map takes for itself, with the criterion that binds each: the screen would
    /// never see them as values.
    public func collisions(with rubric: Rubric) -> [(key: Character, criterion: String)] {
        let mine = characterKeys
        var found: [(key: Character, criterion: String)] = []
        for criterion in rubric.criteria {
            for binding in criterion.keys where mine.contains(binding.key) { found.append((binding.key, criterion.id)) }
        }
        return found
    }
}
