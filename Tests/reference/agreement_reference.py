#!/usr/bin/env python3
"""Reference agreement statistics for Winnow's tests, from the packages the field uses.

Usage: agreement_reference.py INPUT.json  (prints JSON to stdout)

INPUT: {"cases": [{"name": str, "q": int, "values": [numbers] | null,
                   "ratings": [[category index | null, ... one per rater] ... one per item]}]}
Categories are positions 0..q-1 in the criterion's value list; "values" are the scale's numbers.

OUTPUT: {"cases": [{"name", "alpha": {"nominal", "ordinal", "interval"?},
                    "fleiss_kappa", "gwet_ac1",
                    "pairs": [{"a", "b", "n", "unweighted", "linear", "quadratic"}]}]}
with null wherever the package raises or returns NaN (undefined). Pairs are rater index pairs a < b
with at least two items both rated.

- Krippendorff's alpha: krippendorff.alpha, value_domain = every category (nominal and ordinal on the
  positions, interval on the values' numbers).
- Fleiss' kappa and Gwet's AC1: irrCAC.raw.CAC with categories = every position, digits=12.
- Cohen's kappa: sklearn.metrics.cohen_kappa_score with labels = every position.

Exits 3 with a message on stderr when a package is missing (scripts/install-python-deps installs them).
"""
import json
import math
import sys
import warnings

try:
    import numpy as np
    import pandas as pd
    import krippendorff
    from irrCAC.raw import CAC
    from sklearn.metrics import cohen_kappa_score
except ImportError as error:  # pragma: no cover
    print(f"missing Python package: {error.name} (run scripts/install-python-deps)", file=sys.stderr)
    sys.exit(3)

warnings.filterwarnings("ignore")


def clean(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def guarded(function):
    try:
        return clean(function())
    except (ValueError, ZeroDivisionError, FloatingPointError):
        return None


def case_reference(case):
    q = case["q"]
    items = case["ratings"]
    raters = len(items[0]) if items else 0
    matrix = np.array([[np.nan if r is None else float(r) for r in row] for row in items], dtype=float)
    positions = list(range(q))
    reliability = matrix.T  # raters x items

    alpha = {
        "nominal": guarded(lambda: krippendorff.alpha(
            reliability_data=reliability, value_domain=positions, level_of_measurement="nominal")),
        "ordinal": guarded(lambda: krippendorff.alpha(
            reliability_data=reliability, value_domain=positions, level_of_measurement="ordinal")),
    }
    numbers = case.get("values")
    if numbers is not None:
        lookup = np.array(numbers, dtype=float)
        numeric = np.where(np.isnan(reliability), np.nan,
                           lookup[np.nan_to_num(reliability, nan=0).astype(int)])
        alpha["interval"] = guarded(lambda: krippendorff.alpha(
            reliability_data=numeric, value_domain=numbers, level_of_measurement="interval"))

    frame = pd.DataFrame(matrix, columns=[f"r{j}" for j in range(raters)])
    def cac():
        return CAC(frame.copy(), categories=positions, digits=12)
    fleiss = guarded(lambda: cac().fleiss()["est"]["coefficient_value"])
    ac1 = guarded(lambda: cac().gwet()["est"]["coefficient_value"])

    pairs = []
    for a in range(raters):
        for b in range(a + 1, raters):
            shared = [(row[a], row[b]) for row in items if row[a] is not None and row[b] is not None]
            if len(shared) < 2:
                continue
            y1 = [x for x, _ in shared]
            y2 = [y for _, y in shared]
            entry = {"a": a, "b": b, "n": len(shared)}
            for name, weights in (("unweighted", None), ("linear", "linear"), ("quadratic", "quadratic")):
                entry[name] = guarded(lambda: cohen_kappa_score(y1, y2, labels=positions, weights=weights))
            pairs.append(entry)
    return {"name": case["name"], "alpha": alpha, "fleiss_kappa": fleiss, "gwet_ac1": ac1, "pairs": pairs}


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    json.dump({"cases": [case_reference(case) for case in data["cases"]]}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
