#!/usr/bin/env python3
"""The plain-Python import a competent user would write, for `winnow bench` to compare with.

Loads a LLaVA-style JSON list with json.load and writes one row per record (id, image, conversations as
JSON text, the whole record as JSON text: what Winnow keeps of a record) with sqlite3.executemany in one
transaction, WAL, synchronous=NORMAL. Repeated ids get ID#2, ID#3, ... as in Winnow. Standard library only.

    python3 scripts/bench_baseline.py DATA.json DB.sqlite
"""
import json
import sqlite3
import sys


def main(data_path, db_path):
    with open(data_path, encoding="utf-8") as f:
        records = json.load(f)
    db = sqlite3.connect(db_path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS item (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, image TEXT, "
        "conversations TEXT NOT NULL, record TEXT NOT NULL)"
    )
    seen = {}

    def rows():
        for record in records:
            base = record.get("id")
            n = seen.get(base, 0) + 1
            seen[base] = n
            key = base if n == 1 else f"{base}#{n}"
            yield (key, record.get("image"), json.dumps(record["conversations"], ensure_ascii=False),
                   json.dumps(record, ensure_ascii=False))

    db.execute("BEGIN")
    db.executemany("INSERT INTO item(key, image, conversations, record) VALUES (?, ?, ?, ?)", rows())
    db.execute("COMMIT")
    db.close()
    print(len(records))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_baseline.py DATA.json DB.sqlite")
    main(sys.argv[1], sys.argv[2])
