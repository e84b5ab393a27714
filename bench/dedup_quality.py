"""How well duplicate detection finds the enterprises registered twice in a benchmark set.

    .venv/bin/python bench/dedup_quality.py --data ../shared/bench/matching

Reads ``suppliers.csv`` and ``duplicates.csv`` (supplier_ref, duplicate_of_ref, group)
from the folder; every two suppliers in one group are a true pair. Pairs the detector
calls likely duplicates are its predictions. Prints precision, recall and F1, then
every missed and every wrong pair with the detector's evidence.
"""

import argparse
import csv
import itertools
import sys
from collections import defaultdict
from pathlib import Path

from suppliermatch.suppliers.dedup import SupplierRecord, compare_records, find_duplicates


def read_suppliers(folder: Path) -> dict[str, SupplierRecord]:
    with (folder / "suppliers.csv").open(newline="", encoding="utf-8-sig") as handle:
        return {
            row["supplier_ref"]: SupplierRecord(
                id=row["supplier_ref"],
                name=row["name"],
                gstin=row.get("gstin") or None,
                pan=row.get("pan") or None,
                udyam=row.get("udyam") or None,
                pincode=row.get("pincode") or None,
                district=row.get("district") or None,
                state=row.get("state") or None,
                email=row.get("email") or None,
                phone=row.get("phone") or None,
            )
            for row in csv.DictReader(handle)
        }


def read_true_pairs(folder: Path) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = defaultdict(set)
    with (folder / "duplicates.csv").open(newline="", encoding="utf-8-sig") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            group = row.get("group") or f"row-{number}"
            groups[group].update((row["supplier_ref"], row["duplicate_of_ref"]))
    return {
        frozenset(pair)
        for members in groups.values()
        for pair in itertools.combinations(sorted(members), 2)
    }


def describe(records: dict[str, SupplierRecord], pair: frozenset[str], score, evidence) -> str:
    first, second = sorted(pair)
    return (
        f"  {first} {records[first].name!r} / {second} {records[second].name!r}"
        f"  score {score:.3f}: {'; '.join(evidence)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder with the CSV files")
    args = parser.parse_args(argv)

    records = read_suppliers(args.data)
    truth = read_true_pairs(args.data)
    found = find_duplicates(records.values())
    scored = {frozenset((p.first_id, p.second_id)): p for p in found}
    predicted = {pair: p for pair, p in scored.items() if p.likely}

    hits = truth & predicted.keys()
    precision = len(hits) / len(predicted) if predicted else 0.0
    recall = len(hits) / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    print(f"suppliers {len(records)}  true pairs {len(truth)}  predicted {len(predicted)}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}")

    misses = sorted(truth - predicted.keys(), key=sorted)
    print(f"missed ({len(misses)}):")
    for pair in misses:
        # A pair below the review score is not returned; score it alone to show why.
        first, second = sorted(pair)
        seen = scored.get(pair) or compare_records(records[first], records[second])
        print(describe(records, pair, seen.score, seen.evidence))
    wrong = sorted(predicted.keys() - truth, key=sorted)
    print(f"wrongly flagged ({len(wrong)}):")
    for pair in wrong:
        print(describe(records, pair, predicted[pair].score, predicted[pair].evidence))
    return 0


if __name__ == "__main__":
    sys.exit(main())
