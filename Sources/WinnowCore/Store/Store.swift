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
    /// SQLite's `quick_check` of the file as it was opened, run in the background (it reads every page:
    /// about 1.6 s at 158k records); nil when opened read-only. See `write` and `bulkWrite`.
    private let integrity: BackgroundResult<[String]?>?

    /// How long a connection waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Where the database is: `--db PATH`, else `$WINNOW_DB`, else `./winnow.sqlite`.
    public static func resolvePath(_ option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let env = environment["WINNOW_DB"], !env.isEmpty { return env }
        return "winnow.sqlite"
    }

    /// Whether the store was opened for reading only (`openForReading` on a file this process cannot write).
    public let isReadOnly: Bool

    /// Opens (creating if needed) and migrates the database at `path`, and starts checking it in the
    /// background (`quick_check`): a file that fails the check is refused for writes (`StoreError.damaged`).
    public convenience init(path: String, migrateUpTo target: String? = nil) throws {
        try self.init(path: path, migrateUpTo: target, readOnly: false)
    }

    /// Opens the database at `path` for a command that only reads (`status`, `stats`, `export`, …): as
    /// `init(path:)` when the file and its folder are writable, else read-only (nothing is migrated,
    /// checked or written). A read-only file written by an older Winnow, whose schema would need
    /// migrating, is refused, saying so.
    public static func openForReading(path: String) throws -> Store {
        try Store(path: path, migrateUpTo: nil, readOnly: !isWritable(path))
    }

    private init(path: String, migrateUpTo target: String?, readOnly: Bool) throws {
        self.path = path
        isReadOnly = readOnly
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Store.busyTimeout)
        configuration.label = "winnow"
        configuration.readonly = readOnly
        configuration.prepareDatabase(Store.prepareConnection)
        // Opening a pool switches the file to WAL and migrating adds tables: never do either to a file
        // that is not a Winnow database (another application's SQLite file, a text file).
        if let reason = Store.notAWinnowDatabase(path) { throw StoreError.cannotOpen(path: path, reason: reason) }
        integrity = readOnly ? nil : BackgroundResult { Store.damage(path) }
        do {
            pool = try DatabasePool(path: readOnly ? Store.readOnlyLocation(path) : path, configuration: configuration)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Store.describe(error))
        }
        do {
            if readOnly {
                let current = try pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }
                guard current else {
                    throw StoreError.cannotOpen(path: path, reason: "the file is read-only here and was written by an older Winnow: its schema needs bringing up to date, which writes to it; open it once with write access (any command)")
                }
            } else {
                // Migrating writes: only to a file the check found sound (a damaged migrations table may
                // even read as incomplete). Most opens have nothing to migrate and do not wait.
                let complete = (try? pool.read { db in try Schema.migrator.hasCompletedMigrations(db) }) ?? false
                if !complete || target != nil {
                    try refuseIfDamaged(waiting: .infinity)
                    if let target { try Schema.migrator.migrate(pool, upTo: target) } else { try Schema.migrator.migrate(pool) }
                }
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: Store.describe(error))
        }
    }

    /// Where a read-only connection opens `path`. SQLite reads a WAL database read-only only beside its
    /// `-shm` file, which it cannot create in a folder it may not write: with no `-wal` beside the file
    /// (no connection has it open), the file is opened as immutable (`file:PATH?immutable=1`) instead.
    static func readOnlyLocation(_ path: String) -> String {
        guard !FileManager.default.fileExists(atPath: path + "-wal") else { return path }
        let absolute = (path as NSString).isAbsolutePath ? path : FileManager.default.currentDirectoryPath + "/" + path
        var encoded = ""
        for byte in absolute.utf8 {
            if byte == UInt8(ascii: "%") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") || byte < 0x20 || byte >= 0x7F {
                encoded += "%" + hexDigits([byte]).uppercased()
            } else {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return "file:" + encoded + "?immutable=1"
    }

    /// Whether this process may write the file at `path` and its folder (where SQLite keeps the WAL
    /// beside it). A missing file counts as writable: opening it creates it.
    static func isWritable(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        let fileWritable = !FileManager.default.fileExists(atPath: path) || access(path, W_OK) == 0
        return fileWritable && access(folder.isEmpty ? "." : folder, W_OK) == 0
    }

    /// What SQLite's `quick_check` finds wrong with the file at `path` (at most 5 lines), or nil when it is
    /// sound, new or empty. Read through a read-only connection of its own.
    static func damage(_ path: String) -> [String]? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = attributes[.size] as? Int, size > 0
        else { return nil }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(Store.busyTimeout)
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let lines = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(5)") }
            return lines == ["ok"] ? nil : lines
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            return [Store.describe(error)]
        } catch {
            return nil  // not a damage it can name (busy, unreadable): the pool's own open says what is wrong
        }
    }

    /// Runs `body` in a read transaction: one consistent snapshot for the store's queries it calls.
    func read<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    /// Runs `body` in one write transaction, committed when it returns (rolled back if it throws).
    /// Refused (`StoreError.damaged`) when the integrity check finds the file damaged. It waits for the
    /// check to finish, unless `waitingForCheck` is false: then a write made while the check is still
    /// running goes ahead (the labeling screen's leases and saves, so that it opens at once; its saves are
    /// refused from the moment the damage is known).
    func write<T>(waitingForCheck: Bool = true, _ body: (Database) throws -> T) throws -> T {
        try refuseIfDamaged(waiting: waitingForCheck ? .infinity : 0)
        return try pool.write(body)
    }

    /// Throws `StoreError.damaged` when the integrity check found damage, waiting up to `seconds` for it.
    func refuseIfDamaged(waiting seconds: Double) throws {
        if let problems = try integrity?.value(waiting: seconds) ?? nil { throw StoreError.damaged(path: path, problems: problems) }
    }

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
    /// It waits for the integrity check first: a damaged file is refused before anything is written.
    public func bulkWrite<T>(largeCache: Bool = false, _ body: (Database) throws -> T) throws -> T {
        try refuseIfDamaged(waiting: .infinity)
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
    /// The file fails SQLite's integrity check: it is not written to (a write could spread the damage).
    case damaged(path: String, problems: [String])
    /// A stored row holds a value its column's enum does not know (a role, an action).
    case unknownValue(table: String, row: Int64?, column: String, value: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): return "\(path): cannot open the database: \(reason)"
        case .damaged(let path, let problems):
            return "\(path): the database is damaged, so nothing is written to it (SQLite's integrity check: \(problems.joined(separator: "; "))); "
                + "it was left as it was: restore it from a backup, or recover what it holds with `sqlite3 \(path) .recover`; commands that only read still open it"
        case .unknownValue(let table, let row, let column, let value):
            return "\(table) row \(row.map(String.init) ?? "?"): unknown \(column) '\(value)'"
        }
    }
}
