"""Security headers on every kind of response; rate limits that a spoofed header cannot dodge."""

import json
import os
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from suppliermatch import create_app
from suppliermatch.extensions import db
from suppliermatch.tables import metadata
from tests import factories
from tests.prerequisites import require_redis


def _assert_hardened(response):
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize(
    "path,status",
    [
        ("/", 200),
        ("/login", 200),
        ("/api/openapi.json", 200),
        ("/nope", 404),
        ("/api/nope", 404),
        ("/api/auth/me", 401),
        ("/static/app.css", 200),
    ],
)
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    response.close()  # static files stream from an open file
    assert response.status_code == status
    _assert_hardened(response)


def test_signed_in_pages_are_not_stored_by_caches(make_client, world):
    client = make_client(world["anchor_x"])
    for path in ("/account", "/api/auth/me", "/api/no-such-thing"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        _assert_hardened(response)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_csrf_token_is_not_accepted_via_get_for_writes(make_client, world):
    client = make_client(world["anchor_x"])
    client.csrf = False
    token = client.csrf_token()
    response = client.post(f"/api/tokens?csrf_token={token}", json={"name": "x"})
    assert response.status_code == 400


@pytest.fixture
def limited_app(app, new_database):
    """An app with rate limits on, over its own database (the suite's is held by the test)."""
    limited = create_app(
        {
            **app.config,
            "DATABASE_URL": new_database(),
            "RATE_LIMITS_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
        }
    )
    limited.test_client_class = app.test_client_class
    with limited.app_context():
        metadata.create_all(db.engine)
    yield limited
    with limited.app_context():
        db.engine.dispose()


def test_login_is_rate_limited_per_address_and_spoofed_forwarded_for_does_not_help(limited_app):
    client = limited_app.test_client()
    statuses = []
    for attempt in range(12):
        response = client.post(
            "/api/auth/login",
            json={"email": f"nobody{attempt}@example.test", "password": "wrong-password-x"},
            headers={"X-Forwarded-For": f"203.0.113.{attempt}"},
        )
        statuses.append(response.status_code)
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    assert response.get_json()["code"] == 429
    _assert_hardened(response)


def test_login_is_rate_limited_per_account_across_addresses(limited_app):
    client = limited_app.test_client()
    statuses = [
        client.post(
            "/api/auth/login",
            json={"email": "target@example.test", "password": "wrong-password-x"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        ).status_code
        for n in range(11)
    ]
    assert statuses[-1] == 429 and statuses[:10] == [401] * 10


REDIS_URL = os.environ.get("SUPPLIERMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


# A gunicorn worker: its own process, its own app (Flask-Limiter's storage is one per
# process, so the suite's own app must not be pointed at Redis), the same settings. It says
# "ready" once its app is made and guesses when told: the workers start before the first
# guess, so that a slow start on a busy machine never stretches the guesses past the
# limit's one-minute window.
WORKER = """
import json, sys
from suppliermatch import create_app
client = create_app(json.loads(sys.argv[1])).test_client()
body = {"email": "target@example.test", "password": "wrong-password-x"}
print("ready", flush=True)
sys.stdin.readline()
guesses = range(int(sys.argv[2]))
print(json.dumps([client.post("/api/auth/login", json=body).status_code for _ in guesses]))
"""


def _start_worker(settings: dict, guesses: int) -> subprocess.Popen:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, json.dumps(settings), str(guesses)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout.readline().strip() == "ready", worker.stderr.read()
    return worker


def _guesses(worker: subprocess.Popen) -> list[int]:
    output, errors = worker.communicate("go\n", timeout=300)
    assert worker.returncode == 0, errors
    return json.loads(output.splitlines()[-1])


@pytest.fixture
def redis_limited_settings(app, new_database):
    """Settings for workers that count rate limits in one Redis, under a key prefix of
    this test's own, over one new database."""
    require_redis(REDIS_URL)
    import redis

    prefix = f"test-{uuid.uuid4().hex}"
    settings = {
        "TESTING": True,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": new_database(),
        "RATE_LIMITS_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
    }
    yield settings
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)


@pytest.mark.slow
def test_workers_sharing_redis_share_one_login_limit(redis_limited_settings):
    engine = sa.create_engine(redis_limited_settings["DATABASE_URL"])
    metadata.create_all(engine)
    engine.dispose()
    first, second = (_start_worker(redis_limited_settings, n) for n in (5, 6))
    assert _guesses(first) == [401] * 5
    # The first worker's five guesses count here too: with memory:// this worker would
    # allow ten of its own before the first 429.
    assert _guesses(second) == [401] * 5 + [429]


def test_signup_page_is_rate_limited(limited_app):
    client = limited_app.test_client()
    last = None
    for n in range(11):
        last = client.post(
            "/signup", data={"email": f"x{n}@example.test", "password": factories.PASSWORD}
        )
    assert last.status_code == 429


def test_denials_are_written_to_the_security_log(make_client, world, caplog):
    msme = make_client(world["msme_a"])
    with caplog.at_level("INFO", logger="suppliermatch.security"):
        assert (
            msme.get("/api/tokens", headers={"Authorization": "Bearer smk_wrong"}).status_code
            == 401
        )
        assert msme.get("/dashboard").status_code == 403
    lines = [r.getMessage() for r in caplog.records if r.name == "suppliermatch.security"]
    assert any(line.startswith("denied status=401 GET /api/tokens") for line in lines)
    assert any(line.startswith("denied status=403 GET /dashboard") for line in lines)
    assert not any("smk_wrong" in line for line in lines)
