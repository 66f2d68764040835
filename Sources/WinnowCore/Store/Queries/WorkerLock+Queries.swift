import Foundation
import GRDB

extension WorkerLock {
    /// Takes the lock if it is free, expired or already ours; returns whether we hold it now.
    public func acquire() throws -> Bool {
        let t = now()
        return try store.pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM worker_lock WHERE name = ?", arguments: [name]) {
                let other: String = row["holder"]
                let expires: Double = row["expires_at"]
                if other != holder && expires > t { return false }
            }
            try db.execute(sql: """
                INSERT INTO worker_lock(name, holder, expires_at) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
                """, arguments: [name, holder, t + seconds])
            return true
        }
    }

    /// Extends our lock; false (and nothing changed) when another worker holds it now.
    public func renew() throws -> Bool {
        let t = now()
        return try store.pool.write { db in
            try db.execute(sql: "UPDATE worker_lock SET expires_at = ? WHERE name = ? AND holder = ?", arguments: [t + seconds, name, holder])
            return db.changesCount > 0
        }
    }

    /// Whether we hold the lock, inside the caller's transaction.
    public func isHeld(_ db: Database) throws -> Bool {
        try String.fetchOne(db, sql: "SELECT holder FROM worker_lock WHERE name = ?", arguments: [name]) == holder
    }

    public func release() throws {
        try store.pool.write { db in
            try db.execute(sql: "DELETE FROM worker_lock WHERE name = ? AND holder = ?", arguments: [name, holder])
        }
    }

    /// Who holds the lock and until when, if anyone does (expired or not).
    public func current() throws -> (holder: String, expiresAt: Double)? {
        try store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT holder, expires_at FROM worker_lock WHERE name = ?", arguments: [name])
                .map { ($0["holder"], $0["expires_at"]) }
        }
    }
}
