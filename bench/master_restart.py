"""How soon a killed gunicorn master is replaced: kill -9 the master, start a new one at once
(as a supervisor does), and time the gap in service. With ``--mode upgrade``: a deploy
without downtime instead: a new master started beside the running one on the same port
(SO_REUSEPORT), loading the new code and the index snapshots while the old workers serve,
then TERM to the old master once the new one's workers run; it counts requests left
unanswered. (gunicorn's own USR2 upgrade does not work with reuse_port: the master holds no
sockets to hand over, and the new master fails on an empty GUNICORN_FD.)

    .venv/bin/python bench/master_restart.py [--rounds 3] [--settings repo|gunicorn-defaults]
    .venv/bin/python bench/master_restart.py --mode upgrade [--database-url URL]

A client thread asks /healthz every 50 ms over new connections (2 s timeout) throughout.
Per round it prints: how long the new master took to bind (attempts refused with
"Connection in use"), seconds from the kill to the first answer of the new master, the
longest request, and requests without an answer. "repo" uses the repository's
gunicorn.conf.py; "gunicorn-defaults" overrides its restart settings with gunicorn's
defaults (no SO_REUSEPORT, 30 s graceful timeout), to compare. Talks only to 127.0.0.1.
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# gunicorn's own defaults for the restart settings, over the rest of the repository's file.
DEFAULTS_CONFIG = """
exec(open({conf!r}).read())
reuse_port = False
graceful_timeout = 30
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Prober(threading.Thread):
    """Asks /healthz every 50 ms; records (sent at, seconds taken, answered) per request."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.samples: list[tuple[float, float, bool]] = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    answered = response.status == 200
            except OSError:
                answered = False
            self.samples.append((started, time.monotonic() - started, answered))
            time.sleep(0.05)


def start_master(port: int, env: dict, extra: list[str], log) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", *extra]
    command += ["--bind", f"127.0.0.1:{port}", "wsgi:app"]
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds} s")


def one_round(port: int, env: dict, extra: list[str], log_path: Path, watch: float) -> dict:
    url = f"http://127.0.0.1:{port}/healthz"
    with log_path.open("ab") as log:
        first = start_master(port, env, extra, log)
        wait_until_up(url)
        prober = Prober(url)
        prober.start()
        time.sleep(1)
        killed_at = time.monotonic()
        os.kill(first.pid, signal.SIGKILL)
        second = start_master(port, env, extra, log)
        time.sleep(watch)
        prober.stopping.set()
        prober.join()
        bind_refusals = log_path.read_text(errors="replace").count("Connection in use")
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=40)
    # Orphaned workers of the killed master exit by themselves; wait for them to go.
    time.sleep(1)
    after = [(t, took, ok) for t, took, ok in prober.samples if t >= killed_at]
    # Back for good: the first answer after the last request that got none (orphaned
    # workers of the killed master may answer a few before they go).
    last_failure = max((i for i, (_, _, ok) in enumerate(after) if not ok), default=-1)
    rest = after[last_failure + 1 :]
    back = rest[0][0] + rest[0][1] if rest else None
    return {
        "bind_refusals": bind_refusals,
        "down_s": None if back is None else back - killed_at,
        "longest_s": max(took for _, took, _ in prober.samples),
        "unanswered": sum(1 for _, _, ok in after if not ok),
        "requests": len(after),
    }


def upgrade_round(port: int, env: dict, folder: Path, watch: float) -> dict:
    """A new master started beside the running one (SO_REUSEPORT lets both bind), then
    TERM to the old master once the new one's workers run."""
    url = f"http://127.0.0.1:{port}/healthz"
    old_log, new_log = folder / "old-master.log", folder / "new-master.log"
    with old_log.open("wb") as log:
        old = start_master(port, env, [], log)
    wait_until_up(url, seconds=600)
    prober = Prober(url)
    prober.start()
    time.sleep(1)
    started_at = time.monotonic()
    with new_log.open("wb") as log:
        new = start_master(port, env, [], log)
    # Its workers bind only after the master has loaded the indexes (preload_app), so
    # they take requests only once they can answer them.
    while "Booting worker" not in new_log.read_text(errors="replace"):
        if new.poll() is not None or time.monotonic() - started_at > 600:
            raise SystemExit(f"the new master did not start its workers; see {new_log}")
        time.sleep(0.1)
    new_ready_s = time.monotonic() - started_at
    time.sleep(2)  # the new workers finish booting
    old.send_signal(signal.SIGTERM)
    old.wait(timeout=60)
    time.sleep(watch)
    prober.stopping.set()
    prober.join()
    new.send_signal(signal.SIGTERM)
    new.wait(timeout=60)
    after = [(t, took, ok) for t, took, ok in prober.samples if t >= started_at]
    return {
        "new_master_ready_s": new_ready_s,
        "longest_s": max(took for _, took, _ in prober.samples),
        "unanswered": sum(1 for _, _, ok in after if not ok),
        "requests": len(after),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--settings", choices=["repo", "gunicorn-defaults"], default="repo")
    parser.add_argument("--watch", type=float, default=40, help="seconds watched after a kill")
    parser.add_argument("--mode", choices=["kill", "upgrade"], default="kill")
    parser.add_argument(
        "--database-url", help="an existing database (default: a new SQLite file, migrated)"
    )
    parser.add_argument(
        "--instance-dir", type=Path, help="its instance folder (where its index snapshots are)"
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="master-restart-"))
    env = {
        **os.environ,
        "DATABASE_URL": options.database_url or f"sqlite:///{folder / 'restart.db'}",
        "SUPPLIERMATCH_INSTANCE_DIR": str(options.instance_dir or folder),
        "SUPPLIERMATCH_RATE_LIMITS_ENABLED": "false",
    }
    if not options.database_url:
        subprocess.run(
            [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
        )
    if options.mode == "upgrade":
        for number in range(1, options.rounds + 1):
            result = upgrade_round(free_port(), env, folder, options.watch)
            print(
                f"upgrade {number}: new master's workers up {result['new_master_ready_s']:.1f} s "
                f"after it started; longest request {result['longest_s']:.2f} s; "
                f"{result['unanswered']} of {result['requests']} requests unanswered",
                flush=True,
            )
        return
    extra = []
    if options.settings == "gunicorn-defaults":
        config = folder / "gunicorn_defaults.conf.py"
        config.write_text(DEFAULTS_CONFIG.format(conf=str(REPO / "gunicorn.conf.py")))
        extra = ["--config", str(config)]
    print(f"settings: {options.settings}; log: {folder / 'gunicorn.log'}")
    for number in range(1, options.rounds + 1):
        (folder / "gunicorn.log").write_text("")
        result = one_round(free_port(), env, extra, folder / "gunicorn.log", options.watch)
        down = "never back" if result["down_s"] is None else f"{result['down_s']:.2f} s"
        print(
            f"round {number}: service back {down} after the kill; new master refused the "
            f"port {result['bind_refusals']} time(s); longest request {result['longest_s']:.2f}"
            f" s; {result['unanswered']} of {result['requests']} requests unanswered",
            flush=True,
        )


if __name__ == "__main__":
    main()
