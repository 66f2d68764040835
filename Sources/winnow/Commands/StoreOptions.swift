import ArgumentParser
import Foundation
import WinnowCore

/// `--db PATH`, shared by every command that opens the database.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite file (default: $WINNOW_DB, else ./winnow.sqlite).", valueName: "path"))
    var db: String?

    var path: String { Store.resolvePath(db) }

    func open() throws -> Store { try Store(path: path) }

    /// For commands that only read: a path with no database is an error, not a new empty file, and a file
    /// this process may not write is opened read-only.
    func openExisting() throws -> Store {
        guard FileManager.default.fileExists(atPath: path) else { throw NoDatabase(path: path) }
        return try Store.openForReading(path: path)
    }

    struct NoDatabase: Error, CustomStringConvertible {
        var path: String
        var description: String { "no database at \(path); `winnow import` creates one" }
    }

    /// `winnow --db PATH import …` as the README writes it: store options given before the subcommand are
    /// moved after it, where the subcommand's parser reads them.
    static func movingLeadingOptions(_ arguments: [String]) -> [String] {
        var rest = arguments
        var moved: [String] = []
        while let first = rest.first {
            if first == "--db", rest.count >= 2 {
                moved += rest.prefix(2)
                rest.removeFirst(2)
            } else if first.hasPrefix("--db=") {
                moved.append(first)
                rest.removeFirst()
            } else {
                break
            }
        }
        guard !moved.isEmpty else { return arguments }
        if let end = rest.firstIndex(of: "--") { rest.insert(contentsOf: moved, at: end) } else { rest += moved }
        return rest
    }
}
