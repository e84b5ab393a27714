"""How fast the coordinator's cluster pages are with N suppliers in the cluster.

Loads the demo data, then bulk-inserts N synthetic suppliers (capabilities and certificate
records in every state) into the Ganjam cluster, and times as its coordinator, through the
app: ``GET /api/reports/dashboard``, ``/dashboard``, ``/readiness/cluster`` and the match
report (API and page) of the cluster's first published requirement. Prints JSON:
how long the matching index took to be ready, then per request the first call and the warm
median, the SQL
queries of one warm call and the most parameters any of them carried (PostgreSQL refuses
more than 65,535 in a statement).

    .venv/bin/python bench/dashboard_speed.py [--suppliers 100000] [--repeat 5]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB] [--keep]
        [--reuse]   (with --database-url: time what a --keep run left there)

Without --database-url a SQLite file in a temporary folder is used. A PostgreSQL database
given must exist and be empty (tables are created, and dropped at the end unless --keep).
Target (issue 25): each page <= 500 ms at 1,000,000 suppliers.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "platform"))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402

from suppliermatch.accounts.models import Cluster  # noqa: E402
from suppliermatch.certification.models import SupplierCertificate  # noqa: E402
from suppliermatch.dates import today_in_india  # noqa: E402
from suppliermatch.models_base import utcnow  # noqa: E402
from suppliermatch.requirements.models import Requirement  # noqa: E402
from suppliermatch.suppliers.models import Capability, Supplier  # noqa: E402
from suppliermatch.tables import metadata  # noqa: E402

CLUSTER = "ganjam"
COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
PAGES = ("/api/reports/dashboard", "/dashboard", "/readiness/cluster")
BATCH = 5_000
# (category, process or None, words the matcher reads): a spread over the value chain.
OFFERS = (
    ("coatings", "nicuni_plating", "NiCuNi electroplating of magnets"),
    ("coatings", None, "Zinc plating and epoxy coating"),
    ("cnc_machining", None, "CNC turning and milling, surface grinding to 0.01 mm"),
    ("cnc_machining", None, "Wire EDM and slicing with multi-wire saws"),
    ("heat_treatment", None, "Vacuum heat treatment and ageing"),
    ("testing", None, "Hysteresisgraph testing of magnet lots"),
    ("furnace_parts", None, "Graphite boats and molybdenum heating elements"),
    ("recycling", None, "Magnet scrap recycling"),
    ("packaging", None, "Magnetically shielded packaging"),
)
CODES = (
    "ZED_BRONZE",
    "ZED_SILVER",
    "ZED_GOLD",
    "ISO9001",
    "IATF16949",
    "AS9100",
    "NABL17025",
    "PCB_CTO",
    "ISO14001",
)
STATES = ("planned", "applied", "audit_scheduled", "certified", "certified", "expired")
CLASSES = ("micro", "small", "medium", None)
PLACES = (("Odisha", "Ganjam"), ("Odisha", "Khordha"), ("Odisha", "Cuttack"), (None, None))


def seed(app, suppliers: int) -> None:
    from suppliermatch.extensions import db
    from suppliermatch.seeding.demo import load_demo

    with app.app_context():
        metadata.create_all(db.engine)
        load_demo(db.session)
        db.session.commit()
        cluster_id = db.session.scalar(sa.select(Cluster.id).where(Cluster.slug == CLUSTER))
        first = (db.session.scalar(sa.select(sa.func.max(Supplier.id))) or 0) + 1
        connection = db.session.connection()
        rng = random.Random(25)
        today, now = today_in_india(), utcnow()
        for start in range(0, suppliers, BATCH):
            people, capabilities, certificates = [], [], []
            for n in range(start, min(start + BATCH, suppliers)):
                supplier_id = first + n
                offer = OFFERS[n % len(OFFERS)]
                state, district = rng.choice(PLACES)
                people.append(
                    {
                        "id": supplier_id,
                        "cluster_id": cluster_id,
                        "external_ref": f"BENCH-{n}",
                        "legal_name": f"Bench Works {n}",
                        "enterprise_class": rng.choice(CLASSES),
                        "state": state,
                        "district": district,
                        "about": offer[2],
                        "categories": [offer[0]],
                        "search_text": "",
                        "is_public": True,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                capabilities.append(
                    {
                        "supplier_id": supplier_id,
                        "category": offer[0],
                        "process": offer[1],
                        "description": offer[2],
                        "capacity_per_month": rng.choice((500, 5_000, 20_000)),
                        "capacity_unit": "pieces",
                        "materials": [],
                        "source": "import",
                        "version": 1,
                    }
                )
                for _ in range(rng.choice((0, 1, 1, 2, 3))):
                    certificates.append(
                        {
                            "supplier_id": supplier_id,
                            "code": rng.choice(CODES),
                            "state": rng.choice(STATES),
                            "expires_on": today + timedelta(days=rng.randint(-100, 800)),
                            "verification": rng.choice(("unverified", "verified")),
                            "version": 1,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
            connection.execute(sa.insert(Supplier), people)
            connection.execute(sa.insert(Capability), capabilities)
            if certificates:
                connection.execute(sa.insert(SupplierCertificate), certificates)
        if db.engine.dialect.name == "postgresql":
            connection.execute(
                sa.text(
                    "SELECT setval(pg_get_serial_sequence('supplier', 'id'), max(id)) FROM supplier"
                )
            )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as raw:
                raw.execute(sa.text("VACUUM ANALYZE"))


class QueryLog:
    """SQL statements run, and the most parameters one carried."""

    def __init__(self, engine: sa.Engine):
        self.reset()
        event.listen(engine, "before_cursor_execute", self._seen)
        event.listen(engine, "after_cursor_execute", self._done)

    def _seen(self, conn, cursor, statement, parameters, context, executemany):
        self.count += 1
        one = parameters[0] if executemany and parameters else parameters
        self.most_parameters = max(self.most_parameters, len(one or ()))
        self._started = time.perf_counter()

    def _done(self, conn, cursor, statement, parameters, context, executemany):
        elapsed = round(1000 * (time.perf_counter() - self._started), 1)
        self.timings.append((elapsed, " ".join(statement.split())[:90]))

    def reset(self) -> None:
        self.count = self.most_parameters = 0
        self.timings: list[tuple[float, str]] = []

    def slowest(self, n: int = 3) -> list[str]:
        return [f"{ms} ms: {text}" for ms, text in sorted(self.timings, reverse=True)[:n]]


def measure(app, repeat: int) -> dict:
    from suppliermatch.extensions import db
    from suppliermatch.seeding.demo import DEMO_PASSWORD

    client = app.test_client()
    token = client.get("/api/auth/csrf").get_json()["csrf_token"]
    login = client.post(
        "/api/auth/login",
        json={"email": COORDINATOR, "password": DEMO_PASSWORD},
        headers={"X-CSRFToken": token},
    )
    assert login.status_code == 200, login.get_json()
    with app.app_context():
        log = QueryLog(db.engine)
    # Above matching.cache.INLINE_BUILD_LIMIT suppliers the index is built in the
    # background and pages needing it answer 503 meanwhile: wait for it, timed apart.
    started = time.perf_counter()
    while True:
        response = client.get(PAGES[0])
        # 503 also answers a database error (before issue 25: too many parameters).
        if response.status_code != 503 or "starting up" not in response.get_data(as_text=True):
            break
        time.sleep(2)
    found: dict = {"index_ready_s": round(time.perf_counter() - started, 1)}
    with app.app_context():
        requirement_id = db.session.scalar(
            sa.select(sa.func.min(Requirement.id))
            .join(Cluster, Cluster.id == Requirement.cluster_id)
            .where(Cluster.slug == CLUSTER, Requirement.status == "published")
        )
    reports = (
        f"/api/reports/requirements/{requirement_id}",
        f"/requirements/{requirement_id}/report",
    )
    for page in (*PAGES, *reports):
        started = time.perf_counter()
        response = client.get(page)
        first = time.perf_counter() - started
        row = {"status": response.status_code, "first_ms": round(1000 * first)}
        if response.status_code != 200:
            row["error"] = response.get_data(as_text=True)[:300]
            found[page] = row
            continue
        timings = []
        for _ in range(repeat):
            log.reset()
            started = time.perf_counter()
            response = client.get(page)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, page
        row.update(
            warm_median_ms=round(1000 * statistics.median(timings), 1),
            warm_max_ms=round(1000 * max(timings), 1),
            queries=log.count,
            most_parameters_in_a_query=log.most_parameters,
            slowest_queries=log.slowest(),
            response_kb=round(len(response.get_data()) / 1024),
        )
        found[page] = row
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="warm runs of each page")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the data")
    parser.add_argument("--reuse", action="store_true", help="time what --keep left there")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="dashboard-speed-"))
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    os.environ.setdefault("SUPPLIERMATCH_INSTANCE_DIR", str(folder / "instance"))
    from suppliermatch import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATE_LIMITS_ENABLED": False})
    started = time.perf_counter()
    if not args.reuse:
        seed(app, args.suppliers)
    from suppliermatch.extensions import db

    with app.app_context():
        counts = {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Supplier, Capability, SupplierCertificate)
        }
    report: dict = {
        "database": sa.make_url(url).get_backend_name(),
        "rows": counts,
        "load_s": round(time.perf_counter() - started, 1),
        "pages": measure(app, args.repeat),
        # ru_maxrss is in kilobytes on Linux; the load and the matching index count too.
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    with app.app_context():
        db.engine.dispose()
        if not args.keep and not args.reuse:
            metadata.drop_all(db.engine)
    if args.keep:
        print(f"kept {url}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
