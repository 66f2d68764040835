import Foundation
import GRDB

/// A documented setting stored in the database's config table, shared by everyone using the file.
///
/// Every key Winnow reads is declared here with its default, its meaning and its range, so
/// `winnow config list` can show them all and `set` refuses a value that would break a later reader.
public struct ConfigKey: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case integer(ClosedRange<Int>)
        case fraction
        case seconds
        case boolean
    }

    public var name: String
    public var defaultValue: String
    public var kind: Kind
    public var help: String

    public static let idleSeconds = ConfigKey(
        name: "idle_seconds", defaultValue: "60", kind: .seconds,
        help: "seconds without a key after which an item's active-time clock stops")
    public static let leaseSeconds = ConfigKey(
        name: "lease_seconds", defaultValue: "600", kind: .seconds,
        help: "how long an item shown to one annotator is kept from others")
    public static let refitEveryLabels = ConfigKey(
        name: "refit_every_labels", defaultValue: "10", kind: .integer(1...1_000_000),
        help: "refit the reward model after this many new labels")
    public static let refitEverySeconds = ConfigKey(
        name: "refit_every_seconds", defaultValue: "60", kind: .seconds,
        help: "refit the reward model at least this often while labels arrive")
    public static let exploreFraction = ConfigKey(
        name: "explore_fraction", defaultValue: "0.1", kind: .fraction,
        help: "share of items served at random (seeded) instead of by uncertainty")
    public static let overlap = ConfigKey(
        name: "overlap", defaultValue: "0", kind: .fraction,
        help: "share of items (a seeded random sample) served to at least min_annotators people")
    public static let minAnnotators = ConfigKey(
        name: "min_annotators", defaultValue: "2", kind: .integer(2...100),
        help: "annotators per overlap item, for agreement statistics")
    public static let seed = ConfigKey(
        name: "seed", defaultValue: "0", kind: .integer(0...Int(Int32.max)),
        help: "seed for the spread order, exploration and the overlap sample")

    public static let autoAcceptUnanimous = ConfigKey(
        name: "auto_accept_unanimous", defaultValue: "true", kind: .boolean,
        help: "winnow review accepts items on which every annotator (two or more) agrees as gold, marked automatic")
    public static let controlFraction = ConfigKey(
        name: "control_fraction", defaultValue: "0", kind: .fraction,
        help: "share of served items that are control items: items with gold, unmarked, scored against it")
    public static let controlMinAgreement = ConfigKey(
        name: "control_min_agreement", defaultValue: "0.7", kind: .fraction,
        help: "an annotator whose agreement with gold on control items falls below this is marked for the lead")

    public static let all: [ConfigKey] = [
        idleSeconds, leaseSeconds, refitEveryLabels, refitEverySeconds, exploreFraction, overlap,
        minAnnotators, seed, autoAcceptUnanimous, controlFraction, controlMinAgreement,
    ]

    public static func named(_ name: String) -> ConfigKey? { all.first { $0.name == name } }

    /// The value in canonical text, or an error saying what is allowed.
    public func validate(_ text: String) -> Result<String, ConfigError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .integer(let range):
            guard let n = Int(trimmed), range.contains(n) else {
                return .failure(.invalidValue(key: name, value: text, expected: "a whole number from \(range.lowerBound) to \(range.upperBound)"))
            }
            return .success(String(n))
        case .fraction:
            guard let x = Double(trimmed), x.isFinite, (0...1).contains(x) else {
                return .failure(.invalidValue(key: name, value: text, expected: "a number from 0 to 1"))
            }
            return .success(JSONValue.format(x))
        case .seconds:
            guard let x = Double(trimmed), x.isFinite, x > 0, x <= 31_536_000 else {
                return .failure(.invalidValue(key: name, value: text, expected: "a number of seconds above 0"))
            }
            return .success(JSONValue.format(x))
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "on", "1": return .success("true")
            case "false", "no", "off", "0": return .success("false")
            default: return .failure(.invalidValue(key: name, value: text, expected: "true or false"))
            }
        }
    }
}

public enum ConfigError: Error, CustomStringConvertible, Equatable {
    case unknownKey(String)
    case invalidValue(key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unknownKey(let key):
            return "unknown config key '\(key)' (known keys: \(ConfigKey.all.map(\.name).joined(separator: ", ")))"
        case .invalidValue(let key, let value, let expected):
            return "config key '\(key)': '\(value)' is not valid: expected \(expected)"
        }
    }
}

/// Reads and writes the config table. Unset keys read as their defaults.
public struct Config: Sendable {
    public let store: Store

    public init(store: Store) { self.store = store }

    public struct Entry: Sendable, Equatable {
        public var key: ConfigKey
        public var value: String
        public var isDefault: Bool
    }

    public func get(_ name: String) throws -> Entry {
        guard let key = ConfigKey.named(name) else { throw ConfigError.unknownKey(name) }
        let stored = try store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT value FROM config WHERE key = ?", arguments: [name])
        }
        return Entry(key: key, value: stored ?? key.defaultValue, isDefault: stored == nil)
    }

    public func set(_ name: String, _ value: String) throws -> Entry {
        guard let key = ConfigKey.named(name) else { throw ConfigError.unknownKey(name) }
        let canonical = try key.validate(value).get()
        try store.write { db in
            try db.execute(
                sql: "INSERT INTO config(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [name, canonical])
        }
        return Entry(key: key, value: canonical, isDefault: false)
    }

    public func list() throws -> [Entry] {
        let stored = try store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM config").reduce(into: [String: String]()) {
                $0[$1["key"]] = $1["value"]
            }
        }
        return ConfigKey.all.map { Entry(key: $0, value: stored[$0.name] ?? $0.defaultValue, isDefault: stored[$0.name] == nil) }
    }

    /// A number-valued key, for the features that read them.
    public func double(_ key: ConfigKey) throws -> Double {
        Double(try get(key.name).value) ?? Double(key.defaultValue)!
    }

    public func integer(_ key: ConfigKey) throws -> Int {
        Int(try get(key.name).value) ?? Int(key.defaultValue)!
    }

    public func bool(_ key: ConfigKey) throws -> Bool {
        try get(key.name).value == "true"
    }
}
