"""How much memory gunicorn's workers share with the master that built the indexes.

    .venv/bin/python bench/worker_memory.py --database-url postgresql+psycopg://... \
        [--workers 1 4] [--requests 1000] [--port 5093]

The database must hold the demo seed (`flask seed demo`) and the suppliers to serve (for
example imported with `flask suppliers import`). For each worker count the script starts
gunicorn with the repository's gunicorn.conf.py (the master builds the indexes, then forks),
signs in the demo anchor and the Ganjam coordinator through the API, sends ``--requests``
requests spread over rankings of the anchor's published requirements, supplier searches
and supplier profiles, and reads RSS and PSS of the master and every worker from
/proc/PID/smaps_rollup. PSS counts a shared page once, split between the processes
sharing it: the total PSS is what the machine really spends. Prints one line per run and
the ratio of each total PSS to the first run's. Talks only to 127.0.0.1.
"""

import argparse
import http.cookiejar
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ANCHOR = "buyer@vindhya-magnets.demo.in"
COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
PASSWORD = "magnet-demo-2026"  # noqa: S105 (the demo seed's, printed by `make run`)
SEARCHES = ("nickel plating", "wire edm", "vacuum heat treatment", "cmm inspection", "grinding")


class Client:
    """One signed-in user: a cookie jar, JSON in and out."""

    def __init__(self, base: str, email: str):
        self.base = base
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.call("POST", "/api/auth/login", {"email": email, "password": PASSWORD})

    def call(self, method: str, path: str, body: dict | None = None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=120) as response:
            return json.loads(response.read() or b"null")


def smaps_rollup(pid: int) -> dict[str, float]:
    """The process's memory summary in MiB (Rss, Pss, Private_Dirty ...)."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    return fields


def worker_pids(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return [int(pid) for pid in found.stdout.split()]


def wait_for_workers(master: int, workers: int, base: str, seconds: float) -> float:
    """Seconds until every worker is forked and /healthz answers."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if len(worker_pids(master)) >= workers:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2):
                    return time.monotonic() - started
            except OSError:
                pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not start {workers} workers within {seconds} s")


def one_run(workers: int, requests: int, port: int, env: dict, log: Path) -> dict:
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    with log.open("ab") as output:
        server = subprocess.Popen(
            [*command, "wsgi:app"], cwd=REPO, env=env, stdout=output, stderr=output
        )
    try:
        ready_s = wait_for_workers(server.pid, workers, base, seconds=900)
        anchor, coordinator = Client(base, ANCHOR), Client(base, COORDINATOR)
        requirements = [
            r["id"] for r in anchor.call("GET", "/api/requirements") if r["status"] == "published"
        ]
        suppliers = [s["id"] for s in coordinator.call("GET", "/api/suppliers?per_page=50")]
        calls = []
        for number in range(requests):
            kind = number % 3
            if kind == 0 and requirements:
                requirement = requirements[number // 3 % len(requirements)]
                calls.append((anchor, f"/api/requirements/{requirement}/matches"))
            elif kind == 1:
                term = SEARCHES[number // 3 % len(SEARCHES)]
                calls.append((coordinator, f"/api/suppliers?q={term.replace(' ', '+')}"))
            else:
                calls.append((coordinator, f"/api/suppliers/{suppliers[number % len(suppliers)]}"))
        started = time.monotonic()
        failed = 0
        for client, path in calls:
            try:
                client.call("GET", path)
            except urllib.error.HTTPError:
                failed += 1
        seconds = time.monotonic() - started
        processes = [server.pid, *worker_pids(server.pid)]
        memory = {pid: smaps_rollup(pid) for pid in processes}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    master = memory[processes[0]]
    others = [memory[pid] for pid in processes[1:]]
    return {
        "workers": workers,
        "ready_s": round(ready_s, 1),
        "requests": len(calls),
        "failed": failed,
        "requests_s": round(seconds, 1),
        "master_rss_mib": round(master["Rss"]),
        "master_pss_mib": round(master["Pss"]),
        "worker_pss_mib": [round(m["Pss"]) for m in others],
        "worker_private_dirty_mib": [round(m["Private_Dirty"]) for m in others],
        "total_rss_mib": round(sum(m["Rss"] for m in memory.values())),
        "total_pss_mib": round(sum(m["Pss"] for m in memory.values())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--port", type=int, default=5093)
    options = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="worker-memory-"))
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "SUPPLIERMATCH_INSTANCE_DIR": os.environ.get("SUPPLIERMATCH_INSTANCE_DIR", str(folder)),
        "SUPPLIERMATCH_RATE_LIMITS_ENABLED": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "worker-memory-bench"),
    }
    print(f"gunicorn log: {folder / 'gunicorn.log'}", flush=True)
    runs = []
    for workers in options.workers:
        run = one_run(workers, options.requests, options.port, env, folder / "gunicorn.log")
        runs.append(run)
        print(json.dumps(run), flush=True)
    first = runs[0]["total_pss_mib"]
    for run in runs[1:]:
        ratio = run["total_pss_mib"] / first
        print(
            f"total PSS with {run['workers']} workers is {ratio:.2f}x the total with "
            f"{runs[0]['workers']} ({run['total_pss_mib']} MiB against {first} MiB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
