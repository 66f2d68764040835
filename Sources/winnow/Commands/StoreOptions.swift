import ArgumentParser
import WinnowCore

/// `--db PATH`, shared by every command that opens the database.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite file (default: $WINNOW_DB, else ./winnow.sqlite).", valueName: "path"))
    var db: String?

    var path: String { Store.resolvePath(db) }

    func open() throws -> Store { try Store(path: path) }
}
