"""Seconds from `gunicorn` start to the first answered ranking, without and with the index
snapshots (suppliermatch.index_snapshots).

    .venv/bin/python bench/start_time.py --database-url postgresql+psycopg://.../scale_sm \\
        --instance-dir /tmp/scale/instance [--changed 1000] [--workers 2]

The database must hold the demo seed (its anchor's requirements are ranked) and whatever
suppliers are to be measured (`flask suppliers import`). Three starts of gunicorn with the
repository's gunicorn.conf.py, each stopped once it has answered:

1. cold: the snapshots removed, so the master builds both indexes from every row (and
   writes the snapshots);
2. unchanged: the snapshots of start 1, nothing changed since;
3. changed: ``--changed`` random suppliers stamped as changed (their rows re-read on
   catching up), to show what a day's edits cost.

Prints per start: seconds to the first 200 of a ranking, what the master logged about the
indexes, and the snapshot files' size.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench" / "soak"))
sys.path.insert(0, str(REPO / "platform"))

from run_soak import issue_tokens  # noqa: E402

POLL_SECONDS = 0.2
GIVE_UP_SECONDS = 900


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def a_published_requirement(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        found = connection.execute(
            sa.text("SELECT id FROM requirement WHERE status = 'published' ORDER BY id LIMIT 1")
        ).scalar()
    engine.dispose()
    if found is None:
        raise SystemExit("no published requirement: run `flask seed demo` on this database")
    return found


def stamp_changed(database_url: str, count: int) -> None:
    """Mark ``count`` random suppliers as changed, as edits would."""
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "UPDATE supplier SET updated_at = CURRENT_TIMESTAMP, version = version + 1 "
                "WHERE id IN (SELECT id FROM supplier ORDER BY random() LIMIT :n)"
            ),
            {"n": count},
        )
    engine.dispose()


def one_start(env: dict, workers: int, url: str, token: str, log_path: Path) -> float:
    port = free_port()
    with log_path.open("w") as log:
        began = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
            + ["--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{url}", headers={"Authorization": f"Bearer {token}"}
            )
            while time.monotonic() - began < GIVE_UP_SECONDS:
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        if response.status == 200:
                            return time.monotonic() - began
                except (OSError, urllib.error.HTTPError):
                    pass
                time.sleep(POLL_SECONDS)
            raise SystemExit(f"no ranking answered within {GIVE_UP_SECONDS} s; see {log_path}")
        finally:
            server.terminate()
            server.wait(timeout=60)


def what_the_master_said(log_path: Path) -> list[str]:
    wanted = re.compile(r"snapshot|index built|indexes ready|restored")
    return [line.strip() for line in log_path.read_text().splitlines() if wanted.search(line)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--instance-dir", type=Path, required=True)
    parser.add_argument("--changed", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "SUPPLIERMATCH_INSTANCE_DIR": str(args.instance_dir),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "start-time-bench-key"),
        "SUPPLIERMATCH_RATE_LIMITS_ENABLED": "false",
    }
    tokens = issue_tokens(env)
    url = f"/api/requirements/{a_published_requirement(args.database_url)}/matches"
    snapshots = args.instance_dir / "index-snapshots"
    logs = Path(tempfile.mkdtemp(prefix="start-time-"))
    for name in ("cold", "unchanged", "changed"):
        if name == "cold":
            shutil.rmtree(snapshots, ignore_errors=True)
        if name == "changed":
            stamp_changed(args.database_url, args.changed)
        log_path = logs / f"{name}.log"
        seconds = one_start(env, args.workers, url, tokens["anchor"], log_path)
        size = sum(p.stat().st_size for p in snapshots.glob("*.snapshot"))
        label = f"{name} ({args.changed:,} suppliers changed)" if name == "changed" else name
        print(f"{label}: first ranking answered {seconds:.1f} s after gunicorn started", flush=True)
        for line in what_the_master_said(log_path):
            print(f"    {line}")
        print(f"    snapshots on disk: {size / 1e6:,.0f} MB", flush=True)
    print(f"logs: {logs}")


if __name__ == "__main__":
    main()
