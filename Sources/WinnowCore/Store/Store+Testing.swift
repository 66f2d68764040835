import GRDB

extension Store {
    /// Test-only (`@_spi(Testing) import WinnowCore`): runs `body` in a read transaction, for tests that
    /// look at rows no public query returns. Application code uses the store's queries.
    @_spi(Testing) public func testRead<T>(_ body: (Database) throws -> T) throws -> T { try pool.read(body) }

    /// Test-only: runs `body` in a write transaction, for tests that need rows the store never writes
    /// (a role it does not know, a broken trigger).
    @_spi(Testing) public func testWrite<T>(_ body: (Database) throws -> T) throws -> T { try pool.write(body) }

    /// Test-only: the column list `Item(row:)` reads from `item` (the original bytes resolved from
    /// `record_original` for items that share their record's), for `SELECT \(Store.testItemColumns) FROM item`.
    @_spi(Testing) public static var testItemColumns: String { Item.columns }
}
