"""Ranking quality of the matching engine on a benchmark folder.

    .venv/bin/python bench/matching_quality.py [--data DIR] [--out rankings.csv]
        [--split odd|even] [--taxonomy PATH] [--per-requirement]

Reads suppliers.csv, requirements.csv and (if present) qrels.csv, ranks every requirement
and prints NDCG@10, P@10, recall@50 and violations@10 as JSON. ``--out`` writes
``requirement_ref,supplier_ref,rank,score`` (top 100 each). ``--split`` scores only the odd
or even requirements (by position), to check a change tuned on one half against the other.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from suppliermatch.matching.csv_adapter import read_folder
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.metrics import evaluate, fails_hard_constraint
from suppliermatch.paths import MATCHING_BENCH_DIR
from suppliermatch.reference.certificates import default_catalogue
from suppliermatch.reference.taxonomy import default_taxonomy, load_taxonomy

DEFAULT_DATA = MATCHING_BENCH_DIR
TOP_WRITTEN = 100


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="benchmark folder")
    parser.add_argument("--out", type=Path, help="write the top 100 of each ranking here")
    parser.add_argument("--split", choices=("odd", "even"), help="score only half the requirements")
    parser.add_argument("--taxonomy", type=Path, help="taxonomy file (default: seeds)")
    parser.add_argument("--per-requirement", action="store_true", help="print each requirement")
    args = parser.parse_args(argv)

    suppliers, requirements, grades = read_folder(args.data)
    if args.split:
        keep = 1 if args.split == "odd" else 0
        requirements = [r for i, r in enumerate(requirements, start=1) if i % 2 == keep]
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else default_taxonomy()
    catalogue = default_catalogue()

    started = time.perf_counter()
    index = MatchIndex.build(suppliers, taxonomy=taxonomy, catalogue=catalogue)
    built = time.perf_counter() - started

    rankings: dict[str, list[str]] = {}
    rows = []
    started = time.perf_counter()
    for query in requirements:
        result = index.rank(query, limit=TOP_WRITTEN, explain_top=0)
        rankings[query.ref] = [item.supplier_ref for item in result.ranked]
        rows.extend(
            (query.ref, item.supplier_ref, item.rank, f"{item.score:.4f}") for item in result.ranked
        )
    ranked_seconds = time.perf_counter() - started

    if args.out:
        with args.out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(("requirement_ref", "supplier_ref", "rank", "score"))
            writer.writerows(rows)

    output: dict[str, object] = {
        "data": str(args.data),
        "suppliers": len(suppliers),
        "index_build_s": round(built, 3),
        "rank_ms_per_requirement": round(1000 * ranked_seconds / max(1, len(requirements)), 2),
    }
    if grades is not None:
        by_ref = {s.ref: s for s in suppliers}
        queries = {q.ref: q for q in requirements}
        report = evaluate(
            rankings,
            grades,
            lambda requirement, supplier: fails_hard_constraint(
                by_ref[supplier], queries[requirement], catalogue
            ),
        )
        output.update(report.summary())
        if args.per_requirement:
            output["per_requirement"] = {
                ref: {k: (round(v, 3) if v is not None else None) for k, v in vars(s).items()}
                for ref, s in report.per_requirement.items()
            }
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
