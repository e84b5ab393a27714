"""How well duplicate detection finds true re-registrations in benchmark sets, beside a baseline.

    .venv/bin/python bench/dedup_quality.py --data ../shared/bench/matching \
        --data ../shared/bench/dedup/patstat [--misses 20]

The same figures as ``flask --app wsgi bench dedup`` (see suppliers/duplicates/bench.py for
the layouts read and what each figure means), as JSON, then with ``--misses N`` up to N
missed and N wrongly joined pairs of each set, with the detector's evidence.
"""

import argparse
import json
import sys
from pathlib import Path

from suppliermatch.suppliers.duplicates import bench as dedup_bench
from suppliermatch.suppliers.duplicates.detector import (
    compare_records,
    duplicate_groups,
    find_duplicates,
)


def show_errors(folder: Path, limit: int) -> None:
    bench = dedup_bench.read_bench_set(folder)
    records = {record.id: record for record in bench.records}
    truth = dedup_bench.true_pairs(bench)
    found = find_duplicates(bench.records)
    scored = {frozenset((p.first_id, p.second_id)): p for p in found}
    predicted = dedup_bench.pairs_within(duplicate_groups(found))
    for title, pairs in (("missed", truth - predicted), ("wrongly joined", predicted - truth)):
        print(f"{folder}: {title} ({len(pairs)}):")
        for pair in sorted(pairs, key=lambda p: sorted(map(str, p)))[:limit]:
            first, second = sorted(pair, key=str)
            seen = scored.get(pair) or compare_records(records[first], records[second])
            print(
                f"  {first} {records[first].name!r} / {second} {records[second].name!r}"
                f"  score {seen.score:.3f}: {'; '.join(seen.evidence)}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--misses", type=int, default=0, help="pairs of each kind to show")
    args = parser.parse_args(argv)
    print(json.dumps([dedup_bench.run(folder) for folder in args.data], indent=2))
    for folder in args.data if args.misses else ():
        show_errors(folder, args.misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
