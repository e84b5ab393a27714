"""How fast the bulk import is, and in how much memory: suppliers into a fresh database.

Writes a CSV in the matching benchmark's suppliers.csv layout (valid GSTINs with their
check characters, Udyam numbers, real PIN codes, categories, free-text capabilities and
certificates), or takes one given with ``--csv`` (for example from
../shared/bench/scale/product_csv.py), then imports it through the same code as ``flask
suppliers import``: open_table, the row count for the progress bar, import_suppliers
(good rows only), one commit, ANALYZE. Prints rows per second, wall and CPU seconds of
each pass, peak RSS and the machine's load (the machine may be shared: CPU seconds say
what the import itself cost).

    .venv/bin/python bench/import_speed.py [--rows 100000] [--csv FILE] [--keep]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB]

Without ``--database-url`` the database is a new SQLite file; a PostgreSQL database is
given empty (the script creates the tables). Targets: under 60 s for 100,000 rows on
SQLite (issue 3); on PostgreSQL >= 5,000 rows/s at 1,000,000 rows with peak RSS under
1 GB (issue 25).
"""

import argparse
import csv
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "platform"))

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

from suppliermatch.database import engine_settings  # noqa: E402
from suppliermatch.reference.identifiers import gstin_check_character  # noqa: E402
from suppliermatch.suppliers.imports.importer import (  # noqa: E402
    ImportMode,
    analyze_imported_tables,
    import_suppliers,
)
from suppliermatch.suppliers.imports.tabular import open_table  # noqa: E402
from suppliermatch.tables import metadata  # noqa: E402

# The columns of shared/bench/matching/suppliers.csv, in its order.
COLUMNS = [
    *("supplier_ref", "name", "gstin", "udyam", "state", "district", "pincode", "lat", "lon"),
    *("categories", "capabilities", "certifications", "capacity_per_month"),
    *("best_tolerance_mm", "employees", "email", "phone"),
]
# (state, GST code, Udyam code, district, PIN code, lat, lon): real PIN codes.
PLACES = (
    ("Odisha", "21", "OD", "Ganjam", "760001", 19.3150, 84.7941),
    ("Odisha", "21", "OD", "Khordha", "751024", 20.3533, 85.8266),
    ("Tamil Nadu", "33", "TN", "Krishnagiri", "635109", 12.7317, 77.8398),
    ("Tamil Nadu", "33", "TN", "Chennai", "600032", 13.0108, 80.2120),
    ("Karnataka", "29", "KR", "Tumakuru", "572101", 13.3286, 77.1084),
    ("Karnataka", "29", "KR", "Bengaluru Urban", "560058", 13.0285, 77.5197),
    ("Gujarat", "24", "GJ", "Ahmedabad", "382110", 22.9047, 72.2320),
    ("Gujarat", "24", "GJ", "Rajkot", "360003", 22.3039, 70.8022),
    ("Andhra Pradesh", "37", "AP", "Visakhapatnam", "530012", 17.6868, 83.2185),
    ("Maharashtra", "27", "MH", "Pune", "411026", 18.6298, 73.7997),
)
CAPABILITY_TEXT = {
    "furnace_parts": "graphite boats and trays for sintering; moly heating elements",
    "cnc_machining": "CNC turning and milling, surface grinding, wire EDM job work",
    "heat_treatment": "vacuum annealing and ageing; grain boundary diffusion trials",
    "coatings": "NiCuNi plating and zinc plating with salt spray tested finish",
    "testing": "hysteresisgraph testing, CMM inspection, ICP-OES analysis",
    "recycling": "magnet scrap collection, swarf and sludge collection",
    "upstream": "jet milling and strip casting support, inert powder handling",
    "magnet_support": "pressing in a field, pulse magnetisers, rotor assembly",
    "packaging": "VCI anti-corrosion packaging, shielded packaging for magnets",
    "services": "industrial gases supply, effluent treatment plant operation",
}
CERTIFICATES = ("ISO9001", "IATF16949", "ISO14001", "ISO45001", "NABL17025", "ZED_BRONZE")
STATUSES = ("certified", "certified", "certified", "expired", "applied", "audit_scheduled")
PREFIXES = ("Sri", "Kalinga", "Deccan", "Sabarmati", "Kaveri", "Vizag", "Narmada", "Utkal")
TRADES = ("Engineering Works", "Precision Tools", "Coatings", "Labs", "Thermal", "Recyclers")
SUFFIXES = ("Pvt Ltd", "LLP", "& Co", "Industries", "")
PAN_HOLDER = "CFP"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def pan_for(number: int, rng: random.Random) -> str:
    """Five letters (the fourth the holder type), four digits, a letter."""
    head = "".join(rng.choice(LETTERS) for _ in range(3))
    tail = rng.choice(LETTERS)
    return f"{head}{rng.choice(PAN_HOLDER)}{LETTERS[number % 26]}{number % 10000:04d}{tail}"


def _some_date(rng: random.Random) -> date:
    return date(rng.randint(2025, 2029), rng.randint(1, 12), 1)


def write_csv(path: Path, rows: int, seed: int = 20260101) -> None:
    rng = random.Random(seed)
    seen_pans: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for number in range(1, rows + 1):
            state, gst_code, udyam_code, district, pin, lat, lon = rng.choice(PLACES)
            pan = pan_for(number, rng)
            while pan in seen_pans:
                pan = pan_for(number, rng)
            seen_pans.add(pan)
            first14 = f"{gst_code}{pan}1Z"
            categories = rng.sample(sorted(CAPABILITY_TEXT), k=rng.choice((1, 1, 2)))
            text = "; ".join(CAPABILITY_TEXT[c] for c in categories)
            certs = ";".join(
                f"{code}|{rng.choice(STATUSES)}|{_some_date(rng)}"
                for code in rng.sample(CERTIFICATES, k=rng.randint(0, 3))
            )
            name = f"{rng.choice(PREFIXES)} {rng.choice(TRADES)} {number} {rng.choice(SUFFIXES)}"
            tolerance = (
                rng.choice(("0.005", "0.01", "0.02")) if "cnc_machining" in categories else ""
            )
            writer.writerow(
                [
                    f"B{number:06d}",
                    name.strip(),
                    first14 + gstin_check_character(first14),
                    f"UDYAM-{udyam_code}-{rng.randint(1, 40):02d}-{number:07d}",
                    state,
                    district,
                    pin,
                    f"{lat + rng.uniform(-0.05, 0.05):.4f}",
                    f"{lon + rng.uniform(-0.05, 0.05):.4f}",
                    ";".join(categories) if rng.random() > 0.3 else "",
                    text,
                    certs,
                    rng.choice((500, 2000, 8000, 15000)),
                    tolerance,
                    rng.randint(5, 400),
                    f"contact{number}@example.in",
                    f"+91 9{rng.randint(100000000, 999999999)}",
                ]
            )


class Clock:
    """Wall and CPU seconds since the last ``lap``."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        spent = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv", type=Path, help="import this file instead of writing one")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default SQLite)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="import-speed-"))
    csv_path = args.csv
    if csv_path is None:
        csv_path = folder / "suppliers.csv"
        started = time.perf_counter()
        write_csv(csv_path, args.rows)
        seconds = time.perf_counter() - started
        print(f"wrote {args.rows:,} rows in {seconds:.1f} s")
    print(f"{csv_path}: {csv_path.stat().st_size / 1e6:.1f} MB")

    # The app's engine settings (WAL, BEGIN IMMEDIATE, busy timeout), without the web app.
    settings = engine_settings(args.database_url or f"sqlite:///{folder / 'bench.db'}")
    engine = sa.create_engine(settings.pop("url"), **settings)
    metadata.create_all(engine)
    print(f"database {engine.dialect.name}; load average before {os.getloadavg()}")
    with Session(engine, expire_on_commit=False) as session:
        clock = Clock()
        table = open_table(csv_path, csv_path.name, max_bytes=1 << 30, max_rows=10_000_000)
        rows = table.count_rows()
        laps = {"count": clock.lap()}
        ticks = 0

        def progress(count: int) -> None:
            # The first ``rows`` ticks are the check pass, the rest the writing pass.
            nonlocal ticks
            before, ticks = ticks, ticks + count
            if before < rows <= ticks:
                laps["check"] = clock.lap()

        record = import_suppliers(
            session,
            table,
            filename=csv_path.name,
            cluster_id=None,
            mode=ImportMode.GOOD_ROWS_ONLY,
            only_within_cluster=False,
            progress=progress,
        )
        session.commit()
        laps["write"] = clock.lap()
        analyze_imported_tables(session)
        session.commit()
        laps["analyze"] = clock.lap()
    engine.dispose()
    print(
        f"outcome {record.outcome}: {record.rows_created:,} created, "
        f"{record.rows_updated:,} updated, {record.rows_rejected:,} rejected"
    )
    for name, (wall, cpu) in laps.items():
        print(f"  {name:8} {wall:7.1f} s wall {cpu:7.1f} s CPU")
    wall = sum(wall for wall, _ in laps.values())
    cpu = sum(cpu for _, cpu in laps.values())
    # ru_maxrss is in kilobytes on Linux.
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"imported {rows:,} rows in {wall:.1f} s = {rows / wall:,.0f} rows/s "
        f"({cpu:.1f} s CPU in this process = {rows / cpu:,.0f} rows per CPU second); "
        f"peak RSS {peak_mb:,.0f} MB; load average after {os.getloadavg()}"
    )
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    else:
        print(f"kept {folder}")


if __name__ == "__main__":
    main()
