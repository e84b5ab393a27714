"""How fast supplier search is at scale: the in-memory index against the scan it replaced.

Imports N synthetic suppliers (bench/import_speed.py's rows, spread over ten clusters)
into a fresh database through the normal importer, then prints JSON:

* the index's first build (seconds, as the first search of a process pays it);
* p50/p95 ms of ``search_suppliers`` for typical queries, warm, for the public directory,
  an admin and a cluster's anchor, and of the whole ``GET /api/suppliers/directory?q=``
  request through the app;
* for a couple of queries, the old scan of every text (``_rank_by_scan``) on the same
  data, and whether both rank the same suppliers with the same scores in the same order.

    .venv/bin/python bench/search_speed.py [--suppliers 100000] [--repeat 20]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB] [--keep]
        [--reuse]   (with --database-url: search what a --keep run left there)

Without --database-url a SQLite file in a temporary folder is used. A PostgreSQL
database given must exist and be empty (tables are created, and dropped at the end
unless --keep). Target (search speed issue): a typical query well under 50 ms at 100,000.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "platform"))
sys.path.insert(0, str(REPO / "bench"))

import sqlalchemy as sa  # noqa: E402
from import_speed import write_csv  # noqa: E402
from sqlmodel import Session  # noqa: E402

from suppliermatch.accounts.models import Cluster  # noqa: E402
from suppliermatch.changes import SUPPLIER_ROWS, ChangeWatch  # noqa: E402
from suppliermatch.database import engine_settings  # noqa: E402
from suppliermatch.models_base import utcnow  # noqa: E402
from suppliermatch.suppliers.imports.importer import import_suppliers  # noqa: E402
from suppliermatch.suppliers.imports.tabular import read_rows  # noqa: E402
from suppliermatch.suppliers.models import Supplier  # noqa: E402
from suppliermatch.suppliers.search import cache as search_cache  # noqa: E402
from suppliermatch.suppliers.search import service as search  # noqa: E402
from suppliermatch.tables import metadata  # noqa: E402

TYPICAL_QUERIES = (
    "nickel plating",
    "wire edm",
    "vacuum heat treatment",
    "cmm inspection",
    "magnet scrap recycling",
)
# Typos, a place, a name and a long word, checked against the scan too.
CHECKED_QUERIES = (*TYPICAL_QUERIES, "nickle platting", "hysterisis", "ganjam", "kaveri thermal")
SCANNED_QUERIES = ("nickel plating", "cmm inspection")
CLUSTERS = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def milliseconds(timings: list[float]) -> dict:
    return {
        "p50": round(1000 * percentile(timings, 0.5), 1),
        "p95": round(1000 * percentile(timings, 0.95), 1),
    }


def load(engine: sa.Engine, rows: int, folder: Path) -> None:
    csv_path = folder / "suppliers.csv"
    write_csv(csv_path, rows)
    metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        with csv_path.open("rb") as handle:
            table = read_rows(handle, csv_path.name, max_bytes=1 << 30, max_rows=rows)
        import_suppliers(
            session, table, filename=csv_path.name, cluster_id=None, only_within_cluster=False
        )
        clusters = [
            Cluster(slug=f"bench-{n}", name=f"Bench cluster {n}", state="Odisha")
            for n in range(CLUSTERS)
        ]
        session.add_all(clusters)
        session.flush()
        # Each supplier in one of the clusters; stamped a day back, as if imported then:
        # searches in the FRESHNESS_WINDOW after a bulk import pay for reading its rows
        # again (measured apart, "look_after_bulk_import_ms").
        session.execute(
            sa.update(Supplier).values(
                cluster_id=clusters[0].id + Supplier.id % CLUSTERS,
                updated_at=utcnow() - timedelta(days=1),
            )
        )
        session.commit()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
                raw.execute(sa.text("VACUUM ANALYZE"))


def timed(call, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument(
        "--reuse", action="store_true", help="use the suppliers already in --database-url"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="search-speed-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    settings = engine_settings(url)
    engine = sa.create_engine(settings.pop("url"), **settings)
    started = time.perf_counter()
    if not args.reuse:
        load(engine, args.suppliers, folder)
    with engine.connect() as connection:
        suppliers = connection.scalar(sa.select(sa.func.count()).select_from(Supplier))
    report: dict = {
        "database": engine.dialect.name,
        "suppliers": suppliers,
        "load_s": round(time.perf_counter() - started, 1),
    }

    with Session(engine, expire_on_commit=False) as session:
        cluster_id = session.scalar(sa.select(sa.func.min(Cluster.id)))
        scopes = {
            "directory": search.directory_scope(),
            "admin": sa.true(),
            "cluster_anchor": Supplier.cluster_id == cluster_id,
        }
        cache = search_cache.cache_for(session)
        started = time.perf_counter()
        with cache.lock:
            cache.fresh_index(session)
        report["index_build_s"] = round(time.perf_counter() - started, 2)
        report["index_builds_inline_up_to"] = search_cache.INLINE_BUILD_LIMIT

        def find(q: str, scope, page: int = 1):
            return search.search_suppliers(session, scope, search.SearchFilters(q=q), page=page)

        # The first search of each scope asks the database which suppliers it holds.
        first_search_ms = {}
        for name, scope in scopes.items():
            first_search_ms[name] = round(1000 * timed(lambda s=scope: find("zinc", s), 1)[0], 1)
        report["first_search_of_a_scope_ms"] = first_search_ms

        per_scope = {}
        for name, scope in scopes.items():
            timings = []
            for q in TYPICAL_QUERIES:
                timings += timed(lambda q=q, s=scope: find(q, s), args.repeat)
            per_scope[name] = milliseconds(timings)
        report["typical_query_ms"] = per_scope
        # Filters stay SQL: asked about every candidate within the scope.
        filtered = search.SearchFilters(q="nickel plating", category="coatings")
        report["directory_query_with_category_filter_ms"] = milliseconds(
            timed(
                lambda: search.search_suppliers(session, scopes["directory"], filtered),
                args.repeat,
            )
        )
        report["per_query_directory_ms"] = {
            q: milliseconds(timed(lambda q=q: find(q, scopes["directory"]), args.repeat))
            for q in CHECKED_QUERIES
        }
        report["matches_per_query"] = {
            q: find(q, scopes["directory"]).total for q in TYPICAL_QUERIES
        }

        unmerged = Supplier.merged_into_id.is_(None)
        same = {}
        for q in CHECKED_QUERIES:
            words, _ = search._understand(q)
            conditions = [scopes["directory"], unmerged]
            scanned = search._rank_by_scan(session, conditions, words)
            total, window = search._ranked_window(
                session, scopes["directory"], conditions, words, False, 0, len(scanned) + 1
            )
            same[q] = total == len(scanned) and window == scanned
        report["same_ranking_as_scan"] = same
        scan_ms = {}
        for q in SCANNED_QUERIES:
            words, _ = search._understand(q)
            conditions = [scopes["directory"], unmerged]
            scan = timed(lambda w=words, c=conditions: search._rank_by_scan(session, c, w), 3)
            scan_ms[q] = round(1000 * statistics.median(scan), 1)
        report["old_scan_ms"] = scan_ms
        # Without remembered scopes: the database asked about every candidate each time.
        asked = []
        for q in TYPICAL_QUERIES:
            words, _ = search._understand(q)
            with cache.lock:
                matches = cache.fresh_index(session).match(words)
            conditions = [scopes["directory"], unmerged]
            asked += timed(
                lambda m=matches, c=conditions: search._allowed(
                    session, c, m.supplier_ids, len(cache.index)
                ),
                max(1, args.repeat // 4),
            )
        report["scope_asked_per_candidate_ms"] = milliseconds(asked)
        # What every search pays while a bulk import of all these suppliers is in the
        # window: the look reads each of their rows again.
        everything = ChangeWatch((SUPPLIER_ROWS,), window=timedelta(days=2))
        look = timed(lambda: everything.first_look(session), 3)
        report["look_after_bulk_import_ms"] = round(1000 * statistics.median(look), 1)
        report["speedup_p50"] = {
            q: round(scan_ms[q] / report["per_query_directory_ms"][q]["p50"], 1)
            for q in SCANNED_QUERIES
        }

    report["directory_request_ms"] = through_the_app(url, args.repeat)
    # ru_maxrss is in kilobytes on Linux; the old scan and the load count too.
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")

    engine.dispose()
    if not args.keep and not args.reuse:
        if args.database_url:
            metadata.drop_all(sa.create_engine(url))
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    else:
        print(f"kept {url}")
    return 0


def through_the_app(url: str, repeat: int) -> dict:
    """GET /api/suppliers/directory?q=... as a browser would, typical queries, warm."""
    os.environ.setdefault("SUPPLIERMATCH_INSTANCE_DIR", tempfile.mkdtemp(prefix="search-app-"))
    from suppliermatch import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATE_LIMITS_ENABLED": False})
    client = app.test_client()
    for q in TYPICAL_QUERIES:  # warm: the index, the directory's scope
        assert client.get("/api/suppliers/directory", query_string={"q": q}).status_code == 200
    timings = []
    for q in TYPICAL_QUERIES:
        timings += timed(
            lambda q=q: client.get("/api/suppliers/directory", query_string={"q": q}), repeat
        )
    return milliseconds(timings)


if __name__ == "__main__":
    raise SystemExit(main())
