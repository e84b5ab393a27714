"""How fast the bulk import is: 100,000 suppliers into a fresh SQLite database.

Writes a CSV in the matching benchmark's suppliers.csv layout (valid GSTINs with their
check characters, Udyam numbers, real PIN codes, categories, free-text capabilities and
certificates), then imports it through the same code as ``flask suppliers import``:
read_rows, then import_suppliers, then one commit. Prints rows per second and seconds.

    .venv/bin/python bench/import_speed.py [--rows 100000] [--keep]

Target (issue 3): under 60 s for 100,000 rows on SQLite on the 2-core machine.
"""

import argparse
import csv
import random
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
from suppliermatch.suppliers.importer import import_suppliers  # noqa: E402
from suppliermatch.suppliers.tabular import read_rows  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="import-speed-"))

    csv_path = folder / "suppliers.csv"
    started = time.perf_counter()
    write_csv(csv_path, args.rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"wrote {args.rows:,} rows ({size_mb:.1f} MB) in {time.perf_counter() - started:.1f} s")

    # The app's engine settings (WAL, BEGIN IMMEDIATE, busy timeout), without the web app.
    settings = engine_settings(f"sqlite:///{folder / 'bench.db'}")
    engine = sa.create_engine(settings.pop("url"), **settings)
    metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        started = time.perf_counter()
        with csv_path.open("rb") as handle:
            table = read_rows(handle, csv_path.name, max_bytes=1 << 30, max_rows=args.rows)
        read_seconds = time.perf_counter() - started
        record = import_suppliers(
            session, table, filename=csv_path.name, cluster_id=None, only_within_cluster=False
        )
        session.commit()
        total = time.perf_counter() - started
    engine.dispose()
    print(
        f"read {read_seconds:.1f} s; outcome {record.outcome}: {record.rows_created:,} "
        f"created, {record.rows_updated:,} updated, {record.rows_rejected:,} rejected"
    )
    print(f"imported {args.rows:,} rows in {total:.1f} s = {args.rows / total:,.0f} rows/s")
    if not args.keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    else:
        print(f"kept {folder}")


if __name__ == "__main__":
    main()
