"""Loads exported files with the Hugging Face `datasets` library, as training code would.

Usage: python3 load_with_datasets.py FILE...  Prints {FILE: {"rows": N, "columns": [...]}} as JSON.
Exits 3 when `datasets` is not installed, so the calling test can tell that apart from a load failure.
"""
import json
import sys

try:
    from datasets import load_dataset
except ImportError:
    sys.exit(3)

result = {}
for path in sys.argv[1:]:
    data = load_dataset("json", data_files=path, split="train")
    result[path] = {"rows": data.num_rows, "columns": sorted(data.column_names)}
print(json.dumps(result))
