import Foundation
import GRDB
import GRDBSQLite

/// The one SQLite file that holds a Winnow project: items, rubrics, the label log, leases and config.
///
/// Opened as a GRDB `DatabasePool` (WAL): readers never block the writer, so a screen can read while a
/// label is saved. Foreign keys are on; every connection waits up to `busyTimeout` for a lock instead of
/// failing, so several `winnow` processes can share one file without a "database is locked" reaching the
/// user. The schema is brought up to date by `Schema.migrator` on open.
public final class Store: Sendable {
    public let path: String
    /// The connections; only the store's own files (`Store/`) run SQL on them.
    let pool: DatabasePool
    let checkpoints = CheckpointSlot()

    /// How long a connection waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Where the database is: `--db PATH`, else `$WINNOW_DB`, else `./winnow.sqlite`.
    public static func resolvePath(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["WINNOW_DB"], !env.isEmpty { return env }
        return "winnow.sqlite"
    }

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, migrateUpTo target: String? = nil) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Store.busyTimeout)
        configuration.label = "winnow"
        configuration.prepareDatabase(Store.prepareConnection)
        // Opening a pool switches the file to WAL and migrating adds tables: never do either to a file
        // that is not a Winnow database (another application's SQLite file, a text file).
        if let reason = Store.notAWinnowDatabase(path) { throw StoreError.cannotOpen(path: path, reason: reason) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Store.describe(error))
        }
        do {
            if let target {
                try Schema.migrator.migrate(pool, upTo: target)
            } else {
                try Schema.migrator.migrate(pool)
            }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Store.describe(error))
        }
    }

    /// Runs `body` in a read transaction: one consistent snapshot for the store's queries it calls.
    func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    /// Runs `body` in one write transaction, committed when it returns (rolled back if it throws).
    func write<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    /// Why the file at `path` must not be opened as a store, or nil: a missing or empty file becomes a new
    /// store, and a Winnow database has GRDB's migration table. A file that is not SQLite, or an SQLite
    /// file with tables but no migrations (another application's), is refused, read without a change.
    static func notAWinnowDatabase(_ path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size > 0
        else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }  // the open reports it
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else {
            return "the file is not an SQLite database (give a new file name, or a Winnow database)"
        }
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration),
              let names = try? queue.read({ db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") })
        else { return nil }  // the pool's own open says what is wrong
        if names.isEmpty || names.contains("grdb_migrations") { return nil }
        return "the file is an SQLite database of another application (tables \(names.prefix(5).joined(separator: ", "))), not a Winnow database; it was left as it was"
    }

    /// What every connection to a store's file runs when it opens.
    static func prepareConnection(_ db: Database) throws {
        // NORMAL is durable in WAL mode across process crashes (kill -9); only an OS crash or power
        // loss can lose the last transactions, and it never corrupts the file.
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
    }

    /// Runs `body` in one write transaction under SQLite's rollback journal instead of the WAL, when no
    /// other connection has the file open. Pages appended to the file (a bulk import's new rows) are then
    /// written once; in WAL mode they are written to the WAL and copied again by the checkpoint at commit
    /// and at close, which is more than a second of a 158k-record import. When another connection holds the
    /// file (a labeling session, another process), it runs as a plain WAL transaction instead, without
    /// waiting. Either way the transaction is atomic: a failure or a kill leaves the file as it was.
    /// With `largeCache`, the transaction has a larger page cache (64 MiB): fewer pages are spilled to the
    /// WAL and read back during one big transaction (an import).
    public func bulkWrite<T>(largeCache: Bool = false, _ body: (Database) throws -> T) throws -> T {
        pool.releaseMemory()  // closes this pool's idle reader connections, which would keep the WAL in use
        let switched = (try? pool.writeWithoutTransaction { db in try Store.setJournalMode(db, "delete") }) ?? false
        defer {
            if switched { _ = try? pool.writeWithoutTransaction { db in try Store.setJournalMode(db, "wal") } }
        }
        return try pool.write { db in
            guard largeCache else { return try body(db) }
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            return try body(db)
        }
    }

    /// Switches the journal mode if SQLite can at once (it needs the file to itself); true when it did.
    private static func setJournalMode(_ db: Database, _ mode: String) throws -> Bool {
        sqlite3_busy_timeout(db.sqliteConnection, 0)
        defer { sqlite3_busy_timeout(db.sqliteConnection, Int32(Store.busyTimeout * 1000)) }
        return try String.fetchOne(db, sql: "PRAGMA journal_mode = \(mode)")?.lowercased() == mode
    }

    static func describe(_ error: any Error) -> String {
        if let dbError = error as? DatabaseError { return dbError.message ?? "\(dbError)" }
        return "\(error)"
    }
}

public enum StoreError: Error, CustomStringConvertible, Equatable {
    case cannotOpen(path: String, reason: String)
    /// A stored row holds a value its column's enum does not know (a role, an action).
    case unknownValue(table: String, row: Int64?, column: String, value: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open the database: \(reason)"
        case .unknownValue(let table, let row, let column, let value):
            return "\(table) row \(row.map(String.init) ?? "?"): unknown \(column) '\(value)'"
        }
    }
}
