"""Fault benchmark: creates under load while the database or the server is killed, and
whether any acknowledged write was lost or any write made twice.

    .venv/bin/python bench/soak/faults.py --backend postgres [--writers 9] [--quiet 20]
    .venv/bin/python bench/soak/faults.py --backend sqlite

A fresh database with the demo seed, served by gunicorn with the repository's
gunicorn.conf.py, as docs/deploy.md runs it: two masters on the same port (PostgreSQL: one
worker of 4 threads each; SQLite: one worker of 4 threads each, the 8 connections of the
single 8-thread process `make run` serves it from), or ``--instances 1`` for one master
(PostgreSQL: two workers; SQLite: one worker of 8 threads).
Writer threads create capabilities and equipment (as the demo MSMEs) and requirements (as
the demo anchor), each create with its own Idempotency-Key and a unique marker in its text.
A write that gets a 5xx or no answer is sent again with the same key after the
Retry-After the server gave (1 s when it gave none), for up to a minute, as a careful
client does. A probe asks /healthz (which reads the database) every 100 ms.

Faults, one after another with a quiet spell between:
- PostgreSQL (a cluster of the benchmark's own, initdb'd in a scratch folder on a free
  port, so the machine's server and anything using it are untouched): a fast restart;
  a crash (immediate stop, 10 s down, start); kill -9 of a gunicorn worker; kill -9 of
  the gunicorn master, replaced at once by a new master as a supervisor does.
- SQLite: kill -9 of the worker in the middle of writes, and of the master (the new
  master is started at once); then PRAGMA integrity_check.

Per fault it prints: writes sent and acknowledged; acknowledged writes missing from the
database (lost); markers stored more than once (duplicates); 5xx answers, JSON or not; no
answers; the longest request; and recovery: seconds from the end of the fault (the
database started again, the new master started, the worker killed) until the probe is
answered again for good. The targets (issue 24): 0 lost, 0 duplicates, 0 non-JSON 5xx,
no request over 10 s, recovery <= 5 s.
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "soak"))
sys.path.insert(0, str(REPO / "platform"))

from run_soak import issue_tokens, say, wait_healthy, worker_pids  # noqa: E402

PG_CRASH_DOWN_SECONDS = 10
# A client gives up on one attempt after this long: long enough to see a request hang for
# the 30 s the issue saw, so "longest request" can show it.
ATTEMPT_TIMEOUT_SECONDS = 40
WRITE_DEADLINE_SECONDS = 60
PROBE_EVERY_SECONDS = 0.1
MARKER_PREFIX = "faultbench-"
FAULTS = {
    "postgres": ["pg_fast_restart", "pg_crash", "worker_kill", "master_kill"],
    "sqlite": ["worker_kill", "master_kill"],
}
TARGETS = {"lost": 0, "duplicates": 0, "non_json_5xx": 0, "longest_s": 10.0, "recovery_s": 5.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnPostgres:
    """A PostgreSQL cluster of the benchmark's own, so that it may be restarted and crashed."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.log = folder / "postgres.log"

    def _pg(self, *args: str, check: bool = True) -> None:
        command = [*args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if check and done.returncode:
            raise RuntimeError(f"{' '.join(args)} failed: {done.stderr.strip()}")

    def create(self) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self.folder.parent.chmod(0o755)  # mkdtemp's 0700 would keep the postgres user out
            shutil.chown(self.folder, "postgres")
        self._pg("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}"
        admin = sa.create_engine(f"{url}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql("CREATE DATABASE faults")
        admin.dispose()
        return f"{url}/faults"

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def restart_fast(self) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast", "-w", "restart")

    def stop(self, mode: str) -> None:
        self._pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)


class SupervisedServer:
    """gunicorn, with the benchmark as its supervisor: a killed master is replaced at once.

    ``instances`` masters bind the same port (``reuse_port`` in gunicorn.conf.py), as the two
    template units of docs/deploy.md do: the kernel spreads new connections over them, so
    while one master is dead or still loading its replacement the other one serves. With
    one instance, service after a killed master waits for the new master to import the app
    and load its indexes, which takes as long as the machine is busy.
    """

    def __init__(self, env: dict, port: int, workers: list[str], log_path: Path, instances: int):
        self.env, self.port, self.workers, self.instances = env, port, workers, instances
        self.log = log_path.open("ab")
        self.masters: list[subprocess.Popen] = []
        self.orphans: list[int] = []
        # Seconds from a killed master's replacement being started to its workers running.
        self.replacement_ready_s: list[float] = []
        self._timers: list[threading.Thread] = []

    def _spawn(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *self.workers, "--bind", f"127.0.0.1:{self.port}"]
            + ["wsgi:app"],
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def start(self) -> None:
        self.masters = [self._spawn() for _ in range(self.instances)]

    def kill_worker(self) -> None:
        victims = worker_pids(self.masters[0].pid)
        if not victims:
            raise RuntimeError("gunicorn has no worker to kill")
        os.kill(victims[0], signal.SIGKILL)

    def kill_master(self) -> None:
        victim = self.masters[0]
        self.orphans += worker_pids(victim.pid)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        started = time.time()
        self.masters[0] = replacement = self._spawn()
        timer = threading.Thread(target=self._time_ready, args=(replacement, started), daemon=True)
        timer.start()
        self._timers.append(timer)

    def wait_for_replacements(self) -> None:
        """The report gives how long a replacement master took: wait for it (2 min at most)."""
        for timer in self._timers:
            timer.join()

    def _time_ready(self, master: subprocess.Popen, started: float) -> None:
        while master.poll() is None and time.time() - started < 120:
            if worker_pids(master.pid):
                self.replacement_ready_s.append(round(time.time() - started, 2))
                return
            time.sleep(0.1)

    def stop(self) -> None:
        for master in self.masters:
            master.terminate()
        for master in self.masters:
            try:
                master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                master.kill()
        for pid in self.orphans:
            with contextlib.suppress(ProcessLookupError):  # gone by itself, as it should
                os.kill(pid, signal.SIGKILL)
        self.log.close()


@dataclass
class Attempt:
    started: float
    seconds: float
    status: int  # 0: no answer (refused, reset, timed out)
    json_body: bool


@dataclass
class Write:
    kind: str
    marker: str
    started: float
    attempts: list[Attempt] = field(default_factory=list)
    outcome: str = "pending"  # acknowledged | applied (409: saved, answer lost) | refused | gave up


def capability_body(marker: str, taxonomy: dict) -> dict:
    category = taxonomy["categories"][0]
    return {
        "category": category["slug"],
        "process": category["processes"][0]["slug"],
        "description": marker,
    }


def requirement_body(marker: str, taxonomy: dict) -> dict:
    category = taxonomy["categories"][0]
    return {
        "title": marker,
        "category": category["slug"],
        "process": category["processes"][0]["slug"],
        "quantity_per_month": 100,
        "plant_pincode": "761008",
        "quote_deadline": (datetime.now(UTC) + timedelta(days=5)).isoformat(),
        "line_items": [{"item": "Hot zone shield", "quantity": 4, "unit": "pcs"}],
    }


class LoadState:
    def __init__(self):
        self.lock = threading.Lock()
        self.writes: list[Write] = []
        self.probes: list[tuple[float, float, bool]] = []
        self.stopping = threading.Event()

    def add(self, write: Write) -> None:
        with self.lock:
            self.writes.append(write)


def send(
    base: str, method: str, path: str, token: str, body: dict | None = None, key: str | None = None
) -> tuple[Attempt, float, dict | None]:
    """One attempt: it, how long the server asked the client to wait, and the JSON answer."""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    if key is not None:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        base + path,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers=headers,
    )
    started = time.time()
    retry_after, answer = 1.0, None
    try:
        with urllib.request.urlopen(request, timeout=ATTEMPT_TIMEOUT_SECONDS) as response:
            status, is_json = response.status, "json" in response.headers.get("Content-Type", "")
            text = response.read()
            answer = json.loads(text) if is_json and text else None
    except urllib.error.HTTPError as error:
        error.read()
        status, is_json = error.code, "json" in (error.headers.get("Content-Type") or "")
        retry_after = float(error.headers.get("Retry-After") or 1)
    except (OSError, TimeoutError, http.client.HTTPException):
        status, is_json = 0, False
    return Attempt(started, time.time() - started, status, is_json), retry_after, answer


def create(base: str, write: Write, token: str, path: str, body: dict) -> None:
    """A create with its Idempotency-Key, sent again with the same key until it is answered."""
    key = uuid.uuid4().hex
    while True:
        attempt, wait, _ = send(base, "POST", path, token, body, key)
        write.attempts.append(attempt)
        if 200 <= attempt.status < 300:
            write.outcome = "acknowledged"
            return
        if attempt.status == 409:  # saved, but its first answer was lost
            write.outcome = "applied"
            return
        if 400 <= attempt.status < 500:
            write.outcome = "refused"
            return
        if time.time() - write.started > WRITE_DEADLINE_SECONDS:
            write.outcome = "gave up"
            return
        time.sleep(min(wait, 5.0))


def change_profile(base: str, write: Write, owned: dict) -> None:
    """A profile PATCH with the version last read. After a failure or a 409 the client reads
    the profile back: its own text there means the change was saved; otherwise it sends the
    change again on the version it read. A version can be applied once only, so a PATCH
    cannot be doubled; what is checked is that a confirmed change is not lost."""
    path = f"/api/suppliers/{owned['supplier_id']}"
    while True:
        body = {"version": owned["version"], "about": write.marker}
        attempt, wait, answer = send(base, "PATCH", path, owned["token"], body)
        write.attempts.append(attempt)
        if 200 <= attempt.status < 300:
            owned["version"], write.outcome = answer["version"], "acknowledged"
            break
        if 400 <= attempt.status < 500 and attempt.status != 409:
            write.outcome = "refused"
            break
        if time.time() - write.started > WRITE_DEADLINE_SECONDS:
            write.outcome = "gave up"
            break
        if attempt.status != 409:
            time.sleep(min(wait, 5.0))
        current = read_back(base, path, owned["token"], write)
        if current is None:
            write.outcome = "gave up"
            break
        owned["version"] = current["version"]
        if current.get("about") == write.marker:
            write.outcome = "applied"
            break
    if write.outcome in ("acknowledged", "applied"):
        owned["confirmed"] = write.marker


def read_back(base: str, path: str, token: str, write: Write) -> dict | None:
    while time.time() - write.started <= WRITE_DEADLINE_SECONDS:
        attempt, wait, answer = send(base, "GET", path, token)
        if attempt.status == 200:
            return answer
        time.sleep(min(wait, 5.0))
    return None


def writer(base: str, plan: dict, state: LoadState, seed: int) -> None:
    chooser = random.Random(seed)
    taxonomy = plan["taxonomy"]
    # Each writer owns one profile, so that its PATCHes race no one else's.
    owned = plan["owned"][seed] if seed < len(plan["owned"]) else None
    kinds = ["capability", "equipment", "requirement"] + (["profile"] if owned else [])
    while not state.stopping.is_set():
        kind = chooser.choice(kinds)
        write = Write(kind, f"{MARKER_PREFIX}{uuid.uuid4().hex}", time.time())
        state.add(write)
        if kind == "profile":
            change_profile(base, write, owned)
        elif kind == "requirement":
            body = requirement_body(write.marker, taxonomy)
            create(base, write, plan["anchor"], "/api/requirements", body)
        else:
            msme = chooser.choice(plan["msmes"])
            if kind == "capability":
                path = f"/api/suppliers/{msme['supplier_id']}/capabilities"
                body = capability_body(write.marker, taxonomy)
            else:
                path = f"/api/suppliers/{msme['supplier_id']}/equipment"
                body = {"machine": write.marker, "make": "Bench", "count": 1}
            create(base, write, msme["token"], path, body)


def prober(base: str, state: LoadState) -> None:
    while not state.stopping.is_set():
        started = time.time()
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=ATTEMPT_TIMEOUT_SECONDS) as r:
                answered = r.status == 200
        except (OSError, TimeoutError, http.client.HTTPException):
            answered = False
        state.probes.append((started, time.time() - started, answered))
        time.sleep(PROBE_EVERY_SECONDS)


def inject(fault: str, server: SupervisedServer, postgres: OwnPostgres | None) -> None:
    """Runs the fault; returns when it is over (the database or the master is back)."""
    if fault == "pg_fast_restart":
        postgres.restart_fast()
    elif fault == "pg_crash":
        postgres.stop("immediate")
        time.sleep(PG_CRASH_DOWN_SECONDS)
        postgres.start()
    elif fault == "worker_kill":
        server.kill_worker()
    elif fault == "master_kill":
        server.kill_master()
    else:
        raise ValueError(fault)


def stored_markers(database_url: str) -> tuple[dict[str, int], dict[int, str]]:
    """How often each create's marker is stored, and each profile's stored text."""
    engine = sa.create_engine(database_url)
    counts: dict[str, int] = {}
    queries = [
        "SELECT description FROM capability WHERE description LIKE :p",
        "SELECT machine FROM equipment WHERE machine LIKE :p",
        "SELECT title FROM requirement WHERE title LIKE :p",
    ]
    with engine.connect() as connection:
        for query in queries:
            for (marker,) in connection.execute(sa.text(query), {"p": MARKER_PREFIX + "%"}):
                counts[marker] = counts.get(marker, 0) + 1
        abouts = dict(connection.execute(sa.text("SELECT id, about FROM supplier")).all())
    engine.dispose()
    return counts, abouts


def lost_profile_changes(owned: list[dict], abouts: dict[int, str]) -> set[str]:
    """A writer's last confirmed change must be what its profile holds (nothing else writes
    it); the earlier ones were confirmed by the next PATCH being accepted on their version."""
    return {
        profile["confirmed"]
        for profile in owned
        if profile.get("confirmed") and abouts.get(profile["supplier_id"]) != profile["confirmed"]
    }


def recovery_seconds(probes, start: float, fault_over: float, until: float) -> float | None:
    """From the end of the fault to the probe's first answer after its last failure."""
    # By when each probe ended, as attempts are counted: a probe in flight when the next
    # fault struck belongs to that fault.
    window = [p for p in probes if start <= p[0] + p[1] < until]
    failures = [started + took for started, took, ok in window if not ok]
    if not failures:
        return 0.0
    last_failure = max(failures)
    answered = [started + took for started, took, ok in window if ok and started >= last_failure]
    if not answered:
        return None
    return round(max(0.0, min(answered) - fault_over), 2)


def ended(attempt: Attempt) -> float:
    return attempt.started + attempt.seconds


def summarise(
    phase: dict, writes: list[Write], probes, stored: dict[str, int], lost_changes: set[str]
) -> dict:
    """A write belongs to the phase in which its first attempt ended, an attempt to the one in
    which it ended: a request in flight when the fault struck counts for that fault."""

    def in_phase(moment: float) -> bool:
        return phase["start"] <= moment < phase["end"]

    mine = [w for w in writes if w.attempts and in_phase(ended(w.attempts[0]))]
    attempts = [a for w in writes for a in w.attempts if in_phase(ended(a))]
    acknowledged = [w for w in mine if w.outcome == "acknowledged"]
    # A 409 "was applied" tells the client its write is saved: it must be there too.
    told_saved = [w for w in mine if w.outcome in ("acknowledged", "applied")]
    return {
        "fault": phase["fault"],
        "writes_sent": len(mine),
        "acknowledged": len(acknowledged),
        "applied_answer_lost_409": sum(w.outcome == "applied" for w in mine),
        "gave_up": sum(w.outcome == "gave up" for w in mine),
        "refused_4xx": sum(w.outcome == "refused" for w in mine),
        "lost": sum(
            w.marker in lost_changes if w.kind == "profile" else stored.get(w.marker, 0) == 0
            for w in told_saved
        ),
        "duplicates": sum(stored.get(w.marker, 0) > 1 for w in mine if w.kind != "profile"),
        "retried_writes": sum(len(w.attempts) > 1 for w in mine),
        "json_5xx": sum(a.status >= 500 and a.json_body for a in attempts),
        "non_json_5xx": sum(a.status >= 500 and not a.json_body for a in attempts),
        "no_answer": sum(a.status == 0 for a in attempts),
        "longest_s": round(max((a.seconds for a in attempts), default=0.0), 2),
        "recovery_s": recovery_seconds(probes, phase["start"], phase["over"], phase["end"])
        if phase["fault"] != "baseline"
        else None,
    }


def meets(row: dict) -> bool:
    return (
        row["lost"] == TARGETS["lost"]
        and row["duplicates"] == TARGETS["duplicates"]
        and row["non_json_5xx"] == TARGETS["non_json_5xx"]
        and row["longest_s"] <= TARGETS["longest_s"]
        and (row["recovery_s"] is not None and row["recovery_s"] <= TARGETS["recovery_s"])
        if row["fault"] != "baseline"
        else row["lost"] == 0 and row["duplicates"] == 0
    )


def print_table(rows: list[dict]) -> None:
    columns = [
        ("fault", 16),
        ("writes_sent", 6),
        ("acknowledged", 6),
        ("applied_answer_lost_409", 5),
        ("gave_up", 7),
        ("refused_4xx", 5),
        ("lost", 5),
        ("duplicates", 5),
        ("json_5xx", 6),
        ("non_json_5xx", 6),
        ("no_answer", 6),
        ("longest_s", 7),
        ("recovery_s", 7),
    ]
    headings = ["fault", "sent", "acked", "saved²", "gave up", "4xx", "lost", "dups"]
    headings += ["5xx js", "5xx ¬js", "no ans"]
    headings += ["longest", "recov s", "target"]
    widths = [w for _, w in columns] + [6]
    print(
        "  ".join(
            h.rjust(w) if i else h.ljust(w)
            for i, (h, w) in enumerate(zip(headings, widths, strict=True))
        )
    )
    for row in rows:
        cells = [str(row[name]) for name, _ in columns] + ["met" if meets(row) else "MISSED"]
        print(
            "  ".join(
                c.rjust(w) if i else c.ljust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
        )


def build_plan(base: str, tokens: dict, writers: int) -> dict:
    msmes = []
    for token in tokens["msmes"]:
        request = urllib.request.Request(
            base + "/api/suppliers/me", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                profile = json.loads(response.read())
        except urllib.error.HTTPError:
            continue  # a demo MSME user without a claimed profile
        msmes.append({"token": token, "supplier_id": profile["id"], "version": profile["version"]})
    # The profiles the writers change are kept out of the creates' way (fewer 409s).
    owned = msmes[: min(writers, len(msmes) // 2)]
    return {
        "anchor": tokens["anchor"],
        "owned": owned,
        "msmes": msmes[len(owned) :],
        "taxonomy": json.loads((REPO / "seeds" / "taxonomy.json").read_text()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=sorted(FAULTS), default="postgres")
    parser.add_argument("--writers", type=int, default=9)
    parser.add_argument("--quiet", type=float, default=20, help="seconds between two faults")
    parser.add_argument("--faults", nargs="+", help="a subset of the backend's faults, in order")
    parser.add_argument("--out", type=Path)
    parser.add_argument(
        "--instances",
        type=int,
        default=2,
        help="gunicorn masters on the port (docs/deploy.md; default 2)",
    )
    args = parser.parse_args()
    faults = args.faults or FAULTS[args.backend]
    if unknown := set(faults) - set(FAULTS[args.backend]):
        parser.error(f"not a fault on {args.backend}: {', '.join(sorted(unknown))}")
    out = (args.out or Path(tempfile.mkdtemp(prefix=f"faults-{args.backend}-"))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    instance = out / "instance"
    instance.mkdir(exist_ok=True)

    postgres = None
    if args.backend == "postgres":
        postgres = OwnPostgres(out / "pg")
        say(f"PostgreSQL of this benchmark's own in {postgres.data}")
        database_url = postgres.create()
        # Two workers in all, as with one master of two workers.
        workers = ["--workers", str(max(1, 2 // args.instances)), "--threads", "4"]
    else:
        database_url = f"sqlite:///{out / 'faults.db'}"
        # Eight connections in all, as one process of 8 threads has (README, "SQLite or
        # PostgreSQL"): what bounds SQLite's risk is connections, not processes.
        workers = ["--workers", "1", "--threads", str(max(1, 8 // args.instances))]
    instances = args.instances
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SUPPLIERMATCH_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "fault-bench-key",
        "SUPPLIERMATCH_RATE_LIMITS_ENABLED": "false",
        "FLASK_APP": "wsgi",
    }
    server = None
    try:
        say("migrations and the demo seed")
        for command in (["db", "upgrade"], ["seed", "demo"]):
            subprocess.run(
                [sys.executable, "-m", "flask", "--app", "wsgi", *command],
                cwd=REPO,
                env=env,
                check=True,
                capture_output=True,
            )
        tokens = issue_tokens(env)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = SupervisedServer(env, port, workers, out / "gunicorn.log", instances)
        server.start()
        wait_healthy(base)
        plan = build_plan(base, tokens, args.writers)
        say(f"{args.writers} writers over {len(plan['msmes'])} MSMEs and the anchor; log {out}")

        state = LoadState()
        threads = [threading.Thread(target=prober, args=(base, state), daemon=True)]
        threads += [
            threading.Thread(target=writer, args=(base, plan, state, seed), daemon=True)
            for seed in range(args.writers)
        ]
        for thread in threads:
            thread.start()
        phases = []
        start = time.time()
        time.sleep(args.quiet / 2)
        phases.append({"fault": "baseline", "start": start, "over": start, "end": time.time()})
        for fault in faults:
            began = time.time()
            say(f"fault: {fault}")
            inject(fault, server, postgres)
            over = time.time()
            time.sleep(args.quiet)
            phases.append({"fault": fault, "start": began, "over": over, "end": time.time()})
        say("faults done; letting the writes in flight finish")
        state.stopping.set()
        for thread in threads:
            thread.join(timeout=WRITE_DEADLINE_SECONDS + ATTEMPT_TIMEOUT_SECONDS)
        phases[-1]["end"] = time.time()

        server.wait_for_replacements()
        stored, abouts = stored_markers(database_url)
        lost_changes = lost_profile_changes(plan["owned"], abouts)
        rows = [
            summarise(phase, state.writes, state.probes, stored, lost_changes) for phase in phases
        ]
        integrity = None
        if args.backend == "sqlite":
            with sqlite3.connect(out / "faults.db") as connection:
                integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        report = {
            "backend": args.backend,
            "writers": args.writers,
            "instances": instances,
            "replacement_master_ready_s": server.replacement_ready_s,
            "rows": rows,
            "sqlite_integrity_check": integrity,
            "writes_per_second": round(len(state.writes) / (phases[-1]["end"] - start), 1),
            "probes": state.probes,
        }
        (out / "report.json").write_text(json.dumps(report, indent=2))
        print()
        print(
            f"{args.backend}: {len(state.writes):,} writes, "
            f"{report['writes_per_second']} writes/s, {args.writers} writers, "
            f"{instances} gunicorn master(s) {' '.join(workers)}"
        )
        print_table(rows)
        kinds = sorted({w.kind for w in state.writes})
        print(
            "writes by kind: "
            + ", ".join(f"{kind} {sum(w.kind == kind for w in state.writes):,}" for kind in kinds)
        )
        print(
            "saved²: saved though the first answer was lost (a 409 'already applied' to a "
            "create's retry, or the change found on reading the profile back)"
        )
        if server.replacement_ready_s:
            print(
                "a killed master's replacement had its workers running after "
                + ", ".join(f"{seconds} s" for seconds in server.replacement_ready_s)
            )
        if integrity is not None:
            print(f"SQLite integrity_check: {integrity}")
        print(f"report: {out / 'report.json'}")
    finally:
        if server is not None:
            server.stop()
        if postgres is not None:
            postgres.stop("fast")


if __name__ == "__main__":
    main()
