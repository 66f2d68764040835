import GRDB

/// What group mode reads: the groups of several items and who labels or holds their members.
enum GroupQueries {
    /// Every group with at least two items, its members in id order, groups in the order of their first
    /// member's id.
    static func multiMemberGroups(_ db: Database) throws -> [(group: String, members: [Int64])] {
        var result: [(group: String, members: [Int64])] = []
        var index: [String: Int] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT id, group_key FROM item
            WHERE group_key IN (SELECT group_key FROM item GROUP BY group_key HAVING count(*) > 1) ORDER BY id
            """)
        while let row = try rows.next() {
            let group: String = row["group_key"]
            let id: Int64 = row["id"]
            if let i = index[group] {
                result[i].members.append(id)
            } else {
                index[group] = result.count
                result.append((group, [id]))
            }
        }
        return result
    }

    /// The members of one group, in id order.
    static func members(_ db: Database, group: String) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM item WHERE group_key = ? ORDER BY id"), arguments: [group])
    }

    /// Per annotator (or lead) with a standing label on some of `items`: how many of them they labeled.
    static func labelers(_ db: Database, items: [Int64]) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for id in items {
            for name in try LeaseQueries.labelers(db, item: id) { result[name, default: 0] += 1 }
        }
        return result
    }

    /// Who other than `annotator` holds a live lease on any of `items`.
    static func holders(_ db: Database, items: [Int64], except annotator: String, now: Double) throws -> Set<String> {
        var result: Set<String> = []
        for id in items { result.formUnion(try LeaseQueries.holders(db, item: id, except: annotator, now: now)) }
        return result
    }

    /// The group of the latest live lease `annotator` holds on an item of a multi-item group they have
    /// not labeled, if any: the group they were on when they left.
    static func resumableGroup(_ db: Database, annotator: String, now: Double) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT i.group_key FROM lease l JOIN item i ON i.id = l.item_id
            WHERE l.annotator = ? AND l.expires_at > ?
              AND (SELECT count(*) FROM item g WHERE g.group_key = i.group_key) > 1
              AND NOT EXISTS (SELECT 1 FROM current_label c WHERE c.item_id = l.item_id AND c.annotator = l.annotator
                              AND c.role IN ('annotator', 'gold'))
            ORDER BY l.expires_at DESC LIMIT 1
            """, arguments: [annotator, now])
    }

    /// The annotator's labels given in group mode, oldest group first: each group with its members'
    /// latest standing events.
    static func groupHistory(_ db: Database, annotator: String) throws -> [(group: String, events: [Int64])] {
        var result: [(group: String, events: [Int64])] = []
        var index: [String: Int] = [:]
        let rows = try Row.fetchAll(db, sql: """
            SELECT i.group_key, max(e.id) AS id FROM (\(LabelLog.standingEvents)) e JOIN item i ON i.id = e.item_id
            WHERE e.annotator = ? AND e.role = 'annotator' AND e.mode = 'group'
            GROUP BY e.item_id ORDER BY id
            """, arguments: [annotator])
        for row in rows {
            let group: String = row["group_key"]
            if let i = index[group] {
                result[i].events.append(row["id"])
            } else {
                index[group] = result.count
                result.append((group, [row["id"]]))
            }
        }
        return result
    }

    /// How many current labels of `rubricHash` each mode gave, by role.
    static func modeCounts(_ db: Database, rubricHash: String) throws -> [LabelMode: Int] {
        var result: [LabelMode: Int] = [:]
        for row in try Row.fetchAll(db, sql: """
            SELECT mode, count(*) AS n FROM current_label WHERE rubric_hash = ? AND role = 'annotator' GROUP BY mode
            """, arguments: [rubricHash]) {
            let text: String = row["mode"]
            guard let mode = LabelMode(rawValue: text) else {
                throw StoreError.unknownValue(table: "label_event", row: nil, column: "mode", value: text)
            }
            result[mode] = row["n"]
        }
        return result
    }
}

extension Store {
    /// How many current annotator labels under a rubric came from each screen (`stats` says so).
    public func labelModeCounts(rubricHash: String) throws -> [LabelMode: Int] {
        try pool.read { db in try GroupQueries.modeCounts(db, rubricHash: rubricHash) }
    }

    /// The members of one group, in id order.
    public func groupMembers(_ group: String) throws -> [Int64] {
        try pool.read { db in try GroupQueries.members(db, group: group) }
    }

    /// This annotator's group-mode labels, oldest group first (each group's members' latest events).
    public func groupHistory(annotator: String) throws -> [(group: String, events: [Int64])] {
        try pool.read { db in try GroupQueries.groupHistory(db, annotator: annotator) }
    }
}
