"""Speed and memory of the matching engine on synthetic suppliers.

    .venv/bin/python bench/matching_speed.py --suppliers 100000 [--requirements 200]
        [--brute-force 5] [--seed 0] [--threads 4]

Builds N synthetic suppliers into an index, ranks a set of requirements (full ranking,
top 100, reasons for the top 50) and prints JSON: index build seconds, p50/p95 ms per
requirement, peak RSS, and, on the same data in the same run, the time of a brute-force
``rapidfuzz.process.extract`` token_set_ratio scan of every supplier's text as reference,
with the speed-up factor (brute-force p50 / engine p50). Everything above runs on one thread.
With ``--threads K`` it then ranks the same requirements from K threads at once, as a
gunicorn worker's threads do, while another thread upserts a supplier every 50 ms (the
change feed catching up), and prints rankings a second and p50/p95 under that mix.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from rapidfuzz import fuzz
from rapidfuzz import process as fuzzy_process

from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.matching.synthetic import SyntheticData


class _TimedIterator:
    """Wraps an iterator and adds up the time spent producing its items."""

    def __init__(self, items):
        self._items = iter(items)
        self.seconds = 0.0

    def __iter__(self):
        return self

    def __next__(self):
        started = time.perf_counter()
        try:
            return next(self._items)
        finally:
            self.seconds += time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    position = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[position]


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, required=True, help="number of suppliers (N)")
    parser.add_argument("--requirements", type=int, default=200, help="requirements to rank")
    parser.add_argument(
        "--brute-force", type=int, default=5, help="requirements timed with the brute-force scan"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="then rank from this many threads")
    args = parser.parse_args(argv)

    data = SyntheticData(seed=args.seed)
    requirements = data.requirements(args.requirements)

    # Suppliers are generated while the index is built (holding a million documents first
    # would double the memory); the time spent generating them is measured and left out.
    generation = _TimedIterator(data.suppliers(args.suppliers))
    started = time.perf_counter()
    index = MatchIndex.build(generation)
    build_seconds = time.perf_counter() - started - generation.seconds

    # Warm up once (first-call imports and caches), then time every requirement.
    index.rank(requirements[0], limit=100, explain_top=50)
    timings_ms = []
    returned = []
    for query in requirements:
        started = time.perf_counter()
        result = index.rank(query, limit=100, explain_top=50)
        timings_ms.append(1000 * (time.perf_counter() - started))
        returned.append(len(result.ranked))

    brute_ms = []
    for query in requirements[: args.brute_force]:
        text = f"{query.title} {query.description}"
        started = time.perf_counter()
        fuzzy_process.extract(text, index.texts, scorer=fuzz.token_set_ratio, limit=100)
        brute_ms.append(1000 * (time.perf_counter() - started))

    engine_p50 = percentile(timings_ms, 0.5)
    brute_p50 = percentile(brute_ms, 0.5) if brute_ms else None
    report = {
        "suppliers": len(index),
        "requirements": len(requirements),
        "index_build_s": round(build_seconds, 2),
        "data_generation_s": round(generation.seconds, 2),
        "rank_ms_p50": round(engine_p50, 2),
        "rank_ms_p95": round(percentile(timings_ms, 0.95), 2),
        "rank_ms_mean": round(statistics.fmean(timings_ms), 2),
        "mean_suppliers_returned": round(statistics.fmean(returned), 1),
        "brute_force_requirements": len(brute_ms),
        "brute_force_ms_p50": round(brute_p50, 1) if brute_p50 is not None else None,
        # Three significant figures: on a few hundred suppliers the scan is the faster one.
        "speedup_p50": float(f"{brute_p50 / engine_p50:.3g}") if brute_p50 is not None else None,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    if args.threads:
        report.update(threaded_mix(index, requirements, args.threads, data, args.suppliers))
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def threaded_mix(index, requirements, threads: int, data, first_new: int) -> dict:
    """Every requirement ranked once from ``threads`` threads while a writer upserts."""
    stop = threading.Event()
    upserts = 0

    def writer() -> None:
        nonlocal upserts
        for supplier in data.suppliers(10_000, start=first_new + 1):
            if stop.wait(0.05):
                return
            index.upsert(supplier)
            upserts += 1

    def timed(query) -> float:
        started = time.perf_counter()
        index.rank(query, limit=100, explain_top=50)
        return 1000 * (time.perf_counter() - started)

    updater = threading.Thread(target=writer, daemon=True)
    updater.start()
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        timings_ms = list(pool.map(timed, requirements))
    seconds = time.perf_counter() - started
    stop.set()
    updater.join()
    return {
        "threads": threads,
        "threaded_rankings_per_s": round(len(requirements) / seconds, 1),
        "threaded_rank_ms_p50": round(percentile(timings_ms, 0.5), 2),
        "threaded_rank_ms_p95": round(percentile(timings_ms, 0.95), 2),
        "upserts_meanwhile": upserts,
    }


if __name__ == "__main__":
    raise SystemExit(main())
