#!/usr/bin/env python3
"""The plain-Python export a competent user would write, for `winnow bench` to compare with.

Reads every item's original record from a Winnow database (the item's own bytes, or its record's when
several items share one) with sqlite3, in item order, parses each with json.loads and writes them all
as one JSON list (json.dumps, whose C encoder is the fastest the standard library has): what `winnow
export --format llava` of every item writes. Standard library only.

    python3 scripts/bench_export_baseline.py DB.sqlite OUT.json
"""
import json
import sqlite3
import sys


def main(db_path, out_path):
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT CASE WHEN length(i.original) > 0 THEN i.original ELSE r.bytes END "
        "FROM item i LEFT JOIN record_original r ON r.id = i.record_original_id ORDER BY i.id"
    )
    records = [json.loads(original) for (original,) in rows]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(records, ensure_ascii=False))
    db.close()
    print(len(records))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_export_baseline.py DB.sqlite OUT.json")
    main(sys.argv[1], sys.argv[2])
