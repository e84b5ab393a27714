"""Soak test: mixed load on gunicorn over a 100k-supplier database, with faults injected.

    .venv/bin/python bench/soak/run_soak.py --backend postgres [--suppliers 100000]
        [--users 50] [--duration 300] [--no-faults] [--out bench/out/soak-postgres]
    .venv/bin/python bench/soak/run_soak.py --backend sqlite ...

Steps: a fresh database; migrations; the demo seed; N synthetic suppliers imported into
the Ganjam cluster through `flask suppliers import`; API tokens for a coordinator, an anchor
and the demo MSMEs; gunicorn with the repository's gunicorn.conf.py (the matching and
search indexes built before the workers fork; PostgreSQL: 2 workers sharing Redis
rate-limit storage; SQLite: its documented serving mode, 1 worker with threads); locust,
headless, for the duration; then a capacity phase, profile reads with wrk and no think
time. Faults (PostgreSQL): at 40% one gunicorn worker is killed with SIGKILL; at 50%
PostgreSQL is stopped for 8 s and started again. On SQLite only the worker is killed.
The report gives throughput and p50/p95/p99 per endpoint, the error rate outside the fault
windows, whether errors during the outage were clean 503 JSON, how long recovery took, and
whether every write that got a 2xx is in the database. Run on demand; it restarts the
machine's PostgreSQL, so nothing else should be using it.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO / "platform"))

from import_speed import write_csv  # noqa: E402

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_OUTAGE_SECONDS = 8
KILL_WINDOW_SECONDS = 5
RECOVERY_ALLOWANCE_SECONDS = 10
SEARCH_TERMS = [
    "nickel plating",
    "wire edm",
    "graphite boats",
    "vacuum heat treatment",
    "cmm inspection",
    "magnet scrap recycling",
    "cnc grinding",
    "salt spray test",
]
COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
ANCHOR = "buyer@vindhya-magnets.demo.in"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def pg_cluster_command(action: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True
    )


def fresh_database(backend: str, out: Path) -> str:
    if backend == "sqlite":
        path = out / "soak.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql('DROP DATABASE IF EXISTS "soak" WITH (FORCE)')
        connection.exec_driver_sql('CREATE DATABASE "soak"')
    admin.dispose()
    return "postgresql+psycopg://postgres@127.0.0.1:5432/soak"


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=REPO, env=env, check=True
    )


def issue_tokens(env: dict) -> dict:
    """API tokens for the load's users, made through the accounts service."""
    os.environ.update(env)
    from sqlmodel import select

    from suppliermatch import create_app
    from suppliermatch.accounts import service
    from suppliermatch.accounts.models import Organisation, User
    from suppliermatch.extensions import db

    app = create_app()
    with app.app_context():

        def token_for(user):
            return service.issue_api_token(db.session, user, "soak")[1]

        coordinator = service.find_user_by_email(db.session, COORDINATOR)
        anchor = service.find_user_by_email(db.session, ANCHOR)
        msme_users = db.session.exec(
            select(User)
            .join(Organisation, User.organisation_id == Organisation.id)
            .where(Organisation.kind == "msme")
        ).all()
        tokens = {
            "coordinator": token_for(coordinator),
            "anchor": token_for(anchor),
            "msmes": [token_for(user) for user in msme_users],
        }
        db.session.commit()
        db.engine.dispose()
    return tokens


def api(base: str, path: str, token: str):
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def warm(base: str, path: str, token: str, timeout: float = 300) -> None:
    """Call until it answers 200: a large index is built in the background (503 meanwhile)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            api(base, path, token)
            return
        except urllib.error.HTTPError as error:
            if error.code != 503 or time.monotonic() > deadline:
                raise
            time.sleep(2)


def build_plan(base: str, database_url: str, tokens: dict) -> dict:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        ganjam = connection.execute(sa.text("SELECT id FROM cluster WHERE slug='ganjam'")).scalar()
        supplier_ids = (
            connection.execute(
                sa.text("SELECT id FROM supplier WHERE cluster_id = :c ORDER BY id"), {"c": ganjam}
            )
            .scalars()
            .all()
        )
    engine.dispose()
    anchor_requirements = [
        r["id"]
        for r in api(base, "/api/requirements?per_page=100", tokens["anchor"])
        if r["status"] == "published"
    ]
    slots = []
    for token in tokens["msmes"]:
        certificates = api(base, "/api/certificates?per_page=100", token)
        certified = [c["id"] for c in certificates if c["state"] == "certified"]
        for requirement in api(base, "/api/requirements?per_page=100", token):
            if requirement["status"] != "published":
                continue
            detail = api(base, f"/api/requirements/{requirement['id']}", token)
            line_items = [item["id"] for item in detail.get("line_items", [])]
            if line_items:
                slots.append(
                    {
                        "token": token,
                        "requirement_id": requirement["id"],
                        "line_item_ids": line_items,
                        "certificate_id": certified[0] if certified else None,
                    }
                )
    random.Random(7).shuffle(slots)
    return {
        "coordinator_token": tokens["coordinator"],
        "anchor_token": tokens["anchor"],
        "supplier_ids": random.Random(1).sample(supplier_ids, min(20_000, len(supplier_ids))),
        "search_terms": SEARCH_TERMS,
        "anchor_requirement_ids": anchor_requirements,
        "quote_slots": slots,
    }


def wait_healthy(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy")


def worker_pids(master_pid: int) -> list[int]:
    output = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True)
    return [int(pid) for pid in output.stdout.split()]


def inject_faults(backend: str, master_pid: int, duration: int, events: dict) -> None:
    time.sleep(duration * 0.4)
    victims = worker_pids(master_pid)
    if victims:
        events["worker_killed"] = time.time()
        os.kill(victims[0], signal.SIGKILL)
        say(f"fault: killed gunicorn worker {victims[0]}")
    if backend != "postgres":
        return
    time.sleep(max(0.0, duration * 0.5 - duration * 0.4))
    events["db_down"] = time.time()
    say("fault: stopping PostgreSQL")
    pg_cluster_command("stop")
    time.sleep(PG_OUTAGE_SECONDS)
    pg_cluster_command("start")
    events["db_up"] = time.time()
    say("fault: PostgreSQL started again")


PROFILE_LUA = """
local ids = {%(ids)s}
local token = "%(token)s"
math.randomseed(%(seed)d)
request = function()
  local id = ids[math.random(#ids)]
  return wrk.format("GET", "/api/suppliers/" .. id, {["Authorization"] = "Bearer " .. token})
end
"""


def profile_capacity(base: str, plan: dict, out: Path, seconds: int, connections: int) -> dict:
    """Closed-loop profile reads with wrk (no think time): what the server can serve.

    wrk rather than locust for this: a C load generator leaves the two cores to the server.
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed for the capacity phase: apt-get install wrk")
    script = out / "profile.lua"
    script.write_text(
        PROFILE_LUA
        % {
            "ids": ",".join(str(i) for i in plan["supplier_ids"][:5000]),
            "token": plan["coordinator_token"],
            "seed": 11,
        }
    )
    threads = min(2, connections)
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    (out / "wrk-profile.txt").write_text(result.stdout)
    return parse_wrk(result.stdout) | {"connections": connections, "seconds": seconds}


def parse_wrk(text: str) -> dict:
    def milliseconds(value: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()
        return round(float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2)

    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", text, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)$", text, re.MULTILINE)
    return {
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50_ms": milliseconds(latency["50"]),
        "p90_ms": milliseconds(latency["90"]),
        "p99_ms": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": errors.group(1) if errors else None,
    }


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def analyse(request_log: Path, events: dict, duration: float) -> dict:
    rows = [json.loads(line) for line in request_log.read_text().splitlines() if line.strip()]
    windows = []
    if "worker_killed" in events:
        windows.append((events["worker_killed"], events["worker_killed"] + KILL_WINDOW_SECONDS))
    if "db_down" in events:
        windows.append((events["db_down"], events["db_up"] + RECOVERY_ALLOWANCE_SECONDS))

    def in_fault(t: float) -> bool:
        return any(start <= t <= end for start, end in windows)

    def failed(row) -> bool:
        return row["status"] == 0 or row["status"] >= 500

    per_endpoint = {}
    for name in sorted({row["name"] for row in rows}):
        mine = [row for row in rows if row["name"] == name]
        ok_times = [row["ms"] for row in mine if not failed(row)]
        outside = [row for row in mine if not in_fault(row["t"])]
        per_endpoint[name] = {
            "requests": len(mine),
            "per_second": round(len(mine) / duration, 1),
            "p50_ms": round(percentile(ok_times, 0.50), 1) if ok_times else None,
            "p95_ms": round(percentile(ok_times, 0.95), 1) if ok_times else None,
            "p99_ms": round(percentile(ok_times, 0.99), 1) if ok_times else None,
            "errors_outside_faults": sum(failed(row) for row in outside),
            "status_4xx": sum(400 <= row["status"] < 500 for row in mine),
        }
    outside = [row for row in rows if not in_fault(row["t"])]
    during_outage = [
        row
        for row in rows
        if "db_down" in events and events["db_down"] <= row["t"] <= events["db_up"] and failed(row)
    ]
    report = {
        "requests": len(rows),
        "throughput_per_second": round(len(rows) / duration, 1),
        "error_rate_outside_faults": round(
            sum(failed(r) for r in outside) / max(1, len(outside)), 5
        ),
        "endpoints": per_endpoint,
        "fault_events": events,
    }
    if "db_down" in events:
        after_up = sorted(
            (row for row in rows if row["t"] >= events["db_up"]), key=lambda r: r["t"]
        )
        first_ok = next((row["t"] for row in after_up if not failed(row)), None)
        last_fail = max((row["t"] for row in after_up if failed(row)), default=events["db_up"])
        report["outage"] = {
            "failed_requests": len(during_outage),
            "failed_with_clean_json_5xx": sum(
                bool(row["clean"]) for row in during_outage if row["status"] >= 500
            ),
            "connection_errors": sum(row["status"] == 0 for row in during_outage),
            "statuses": sorted({row["status"] for row in during_outage}),
            "first_success_after_db_up_s": round(first_ok - events["db_up"], 2)
            if first_ok
            else None,
            "last_failure_after_db_up_s": round(last_fail - events["db_up"], 2),
        }
    return report


def check_acknowledged_writes(ack_log: Path, database_url: str, upload_dir: Path) -> dict:
    acks = [json.loads(line) for line in ack_log.read_text().splitlines() if line.strip()]
    quotes: dict[int, int] = {}
    evidence: set[int] = set()
    for ack in acks:
        if ack["kind"] == "quote":
            quotes[ack["id"]] = max(quotes.get(ack["id"], 0), ack["version"])
        else:
            evidence.add(ack["id"])
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        stored_quotes = dict(connection.execute(sa.text("SELECT id, version FROM quote")).all())
        stored_evidence = dict(
            connection.execute(sa.text("SELECT id, stored_name FROM certificateevidence")).all()
        )
    engine.dispose()
    lost_quotes = [i for i, v in quotes.items() if stored_quotes.get(i, 0) < v]
    lost_evidence = [i for i in evidence if i not in stored_evidence]
    files = {p.name for p in upload_dir.rglob("*") if p.is_file()}
    missing_files = [
        i for i in evidence if stored_evidence.get(i) and stored_evidence[i] not in files
    ]
    return {
        "acknowledged_writes": len(acks),
        "quotes_acknowledged": len(quotes),
        "evidence_acknowledged": len(evidence),
        "lost_quote_writes": len(lost_quotes),
        "lost_evidence_rows": len(lost_evidence),
        "evidence_files_missing": len(missing_files),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--suppliers", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=300)
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument(
        "--sqlite-workers",
        type=int,
        default=1,
        help="gunicorn workers on SQLite (1, with threads, is the documented serving mode)",
    )
    parser.add_argument(
        "--capacity-seconds",
        type=int,
        default=30,
        help="after the mixed load, profile reads with wrk at --users connections (0: skip)",
    )
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = (args.out or REPO / "bench" / "out" / f"soak-{args.backend}").resolve()
    out.mkdir(parents=True, exist_ok=True)
    instance = out / "instance"
    instance.mkdir(exist_ok=True)

    say(f"fresh {args.backend} database")
    database_url = fresh_database(args.backend, out)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SUPPLIERMATCH_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "soak-test-key",
        "FLASK_APP": "wsgi",
    }
    if args.backend == "postgres":
        env["SUPPLIERMATCH_RATELIMIT_STORAGE_URI"] = '"redis://127.0.0.1:6379/15"'
    say("migrations and demo seed")
    flask(env, "db", "upgrade")
    flask(env, "seed", "demo")
    with tempfile.TemporaryDirectory() as scratch:
        csv_path = Path(scratch) / "suppliers.csv"
        say(f"generating and importing {args.suppliers:,} suppliers")
        write_csv(csv_path, args.suppliers)
        flask(env, "suppliers", "import", str(csv_path), "--cluster", "ganjam", "--good-rows-only")
    tokens = issue_tokens(env)

    # PostgreSQL: two single-threaded workers, one per core (threads only contend for the
    # GIL here: with wrk at 100,000 suppliers, 215 profile reads/s with 4 threads each
    # against 234 with one, same code).
    workers = (
        ["--workers", "2", "--threads", "1"]
        if args.backend == "postgres"
        else ["--workers", str(args.sqlite_workers), "--threads", "8"]
    )
    base = f"http://127.0.0.1:{args.port}"
    log = open(out / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *workers,
            "--timeout",
            "120",
            "--bind",
            f"127.0.0.1:{args.port}",
            "wsgi:app",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(base)
        say("building the load plan and warming the matching index")
        plan = build_plan(base, database_url, tokens)
        for requirement_id in plan["anchor_requirement_ids"] * 2:
            warm(base, f"/api/requirements/{requirement_id}/matches", tokens["anchor"])
        plan_path, request_log, ack_log = (
            out / "plan.json",
            out / "requests.jsonl",
            out / "acks.jsonl",
        )
        plan_path.write_text(json.dumps(plan))
        request_log.write_text("")
        ack_log.write_text("")
        say(
            f"load: {args.users} users for {args.duration}s "
            f"({len(plan['quote_slots'])} quote slots, {len(plan['supplier_ids'])} profiles)"
        )
        events: dict = {"load_start": time.time()}
        if not args.no_faults:
            threading.Thread(
                target=inject_faults,
                daemon=True,
                args=(args.backend, server.pid, args.duration, events),
            ).start()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(REPO / "bench/soak/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                "10",
                "-t",
                f"{args.duration}s",
                "--host",
                base,
                "--only-summary",
                "--csv",
                str(out / "locust"),
            ],
            cwd=REPO,
            env={
                **env,
                "SOAK_PLAN": str(plan_path),
                "SOAK_REQUEST_LOG": str(request_log),
                "SOAK_ACK_LOG": str(ack_log),
            },
            check=False,
        )
        events["load_end"] = time.time()
        capacity = None
        if args.capacity_seconds:
            say(
                f"capacity: profile reads with wrk, {args.users} connections, "
                f"{args.capacity_seconds}s"
            )
            capacity = profile_capacity(base, plan, out, args.capacity_seconds, args.users)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    duration = events["load_end"] - events["load_start"]
    report = analyse(request_log, events, duration)
    report["writes"] = check_acknowledged_writes(ack_log, database_url, instance / "uploads")
    report["profile_capacity"] = capacity
    report.update(
        backend=args.backend,
        suppliers=args.suppliers,
        users=args.users,
        duration_s=round(duration, 1),
    )
    (out / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
