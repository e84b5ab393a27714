"""A live server (gunicorn, demo seed) and a real Chromium driven by Playwright.

The server runs exactly as `make run` does: migrations, `flask seed demo`, gunicorn. Debian's
Chromium is used (Playwright's own browser download cannot work on these machines); where it
is missing the journeys are skipped locally and fail in CI.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.prerequisites import missing

REPO = Path(__file__).resolve().parents[2]
LAYOUT_FAULTS_JS = (Path(__file__).parent / "layout_faults.js").read_text()
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "magnet-demo-2026"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_database_url(tmp_path_factory):
    choice = os.environ.get("SUPPLIERMATCH_TEST_DB", "sqlite")
    if choice == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('live') / 'live.db'}"
        return
    base = make_url(choice)
    name = f"live_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@dataclass
class LiveServer:
    base_url: str
    process: subprocess.Popen
    log_path: Path
    # The server's environment: a command run with it (``flask notifications send``)
    # works on the same database and mail server.
    env: dict


@pytest.fixture(scope="session")
def live_smtp():
    """A real SMTP server on a loopback port that the live server's e-mail goes to."""
    from tests.smtp import running_smtp_server

    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="session")
def live_server(live_gunicorn) -> str:
    """Base URL of a gunicorn server over a migrated, demo-seeded database."""
    return live_gunicorn.base_url


@pytest.fixture(scope="session")
def live_gunicorn(live_database_url, live_smtp, tmp_path_factory):
    """The gunicorn server itself (master process and log), as `make run` starts it, its
    e-mail going to ``live_smtp``."""
    instance = tmp_path_factory.mktemp("live-instance")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": live_database_url,
        "SUPPLIERMATCH_INSTANCE_DIR": str(instance),
        "SECRET_KEY": "live-server-test-key",
        "FLASK_APP": "wsgi",
        # A browser journey signs in several times from one address.
        "SUPPLIERMATCH_RATE_LIMITS_ENABLED": "false",
        "SUPPLIERMATCH_MAIL_HOST": "127.0.0.1",
        "SUPPLIERMATCH_MAIL_PORT": str(live_smtp.port),
        "SUPPLIERMATCH_BASE_URL": f"http://127.0.0.1:{port}",
    }
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=REPO, env=env, check=True, capture_output=True)
    seeded = subprocess.run(
        [*flask, "seed", "demo"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert seeded.returncode == 0, seeded.stderr
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115  (closed at teardown)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # And the job worker beside it, as `make run` starts it (imports, duplicate scans).
    worker_log = open(instance / "worker.log", "w")  # noqa: SIM115  (closed at teardown)
    worker = subprocess.Popen(
        [*flask, "worker"], cwd=REPO, env=env, stdout=worker_log, stderr=subprocess.STDOUT
    )
    base_url = f"http://127.0.0.1:{port}"
    # Generous: the master builds its indexes before it answers, and a busy CI machine is
    # slower than a laptop. A server that never starts still fails here.
    deadline = time.monotonic() + 180
    while True:
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                log.close()
                raise RuntimeError((instance / "gunicorn.log").read_text()) from None
            time.sleep(0.2)
    yield LiveServer(base_url, server, instance / "gunicorn.log", env)
    server.terminate()
    worker.terminate()
    server.wait(timeout=15)
    worker.wait(timeout=15)
    log.close()
    worker_log.close()


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an asyncio loop running in this thread while
    # it is open, which breaks code that later runs async-to-sync (Flask-SQLAlchemy-Lite's
    # teardown) in the rest of the suite.
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        missing(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


@pytest.fixture
def page_at(browser, live_server):
    """A fresh browser context (own cookies) at a viewport width: ``page_at(1280)``."""
    contexts = []

    def make(width: int = 1280, height: int = 900):
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_horizontal_scroll(page) -> None:
    """The main content fits the viewport: nothing forces sideways scrolling."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"page scrolls sideways by {overflow}px"


def layout_faults(page) -> list[str]:
    """What breaks the page as laid out now: sideways scrolling, a table cell wider than its
    box, a word broken inside (tests/browser/layout_faults.js)."""
    return page.evaluate(LAYOUT_FAULTS_JS)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
