"""Test fixtures: one app per run, every test inside a transaction that is rolled back.

The backend is chosen by SUPPLIERMATCH_TEST_DB: unset or "sqlite" for a SQLite file in a
temporary folder, or a PostgreSQL URL (``make test`` runs both when TEST_DATABASE_URL is
set). The schema is made once with create_all; the migration tests check that Alembic
makes the same schema.
"""

import importlib
import os
import pkgutil
import uuid
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from hypothesis import settings
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

import suppliermatch
from suppliermatch import create_app, form_tokens
from suppliermatch.extensions import db
from suppliermatch.tables import metadata
from tests import factories

# Property tests check answers, not speed (benchmarks under bench/ do that): hypothesis'
# default 200 ms deadline per example fails them at random on a busy 2-core machine.
# `make test` draws the same examples on every run (derandomized, no example database), so a
# commit gets the same verdict twice; `make fuzz` (FUZZ_RANDOM) draws new ones each time, and
# whatever 500 it finds is pinned in tests/security/test_malformed_requests.py.
#
# Derandomized is not enough by itself: hypothesis also draws literals it finds in the
# project's imported modules ("local constants", read from sys.modules when a test draws).
# Which of the package's modules a worker has imported by then depends on the tests
# pytest-xdist happened to give it before, so the drawn examples changed from run to run.
# Importing the whole package here makes that set the same for every test.
for _module in pkgutil.walk_packages(suppliermatch.__path__, "suppliermatch."):
    importlib.import_module(_module.name)
FUZZ_RANDOM = os.environ.get("SUPPLIERMATCH_FUZZ_RANDOM", "") not in ("", "0", "false")
settings.register_profile("suppliermatch", deadline=None, derandomize=True, database=None)
settings.register_profile("suppliermatch-random", deadline=None)
settings.load_profile("suppliermatch-random" if FUZZ_RANDOM else "suppliermatch")

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist, Schemathesis' per-operation cases share one node id, which breaks
    xdist's scheduling (an INTERNALERROR, or cases passed unrun): a -n run leaves them out,
    and make test runs them in a process of their own. Browser journeys go last."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        fuzz = [item for item in items if item.get_closest_marker("fuzz")]
        if fuzz:
            config.hook.pytest_deselected(items=fuzz)
            items[:] = [item for item in items if not item.get_closest_marker("fuzz")]
    # Browser journeys last: they are the slowest, and unit failures should show first.
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


def test_database_url(tmp_path_factory) -> str:
    choice = os.environ.get("SUPPLIERMATCH_TEST_DB", "sqlite")
    if choice == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        return choice
    return _database_of_its_own(choice, worker)


def _database_of_its_own(url: str, worker: str) -> str:
    """Under pytest-xdist each worker drops and creates the whole schema: on PostgreSQL it
    gets a database of its own beside the one named (``test`` -> ``test_gw0``), made anew."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


class BrowserLikeClient(FlaskClient):
    """A test client that sends the CSRF token on writes, as our pages and JS do, and a
    fresh one-time token with a post to a create form, as its page does.

    ``client.csrf = False`` sends writes without the CSRF token, ``client.form_tokens =
    False`` create forms without their token, to test the protections themselves.
    """

    csrf = True
    form_tokens = True
    _token: str | None = None

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if self.csrf and method in STATE_CHANGING and not _has_bearer(kwargs):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        if self.form_tokens and method == "POST" and args and self._is_one_time_form(args[0]):
            data = kwargs.get("data")
            if isinstance(data, dict | MultiDict | None) and form_tokens.FIELD not in (data or {}):
                # A copy of the same kind: a dict's tuple value is a file, a MultiDict's a list.
                data = data.copy() if data is not None else {}
                data[form_tokens.FIELD] = uuid.uuid4().hex
                kwargs["data"] = data
        return self._open_in_own_app_context(*args, **kwargs)

    def _is_one_time_form(self, url) -> bool:
        if not isinstance(url, str) or url.startswith("/api/"):
            return False
        try:
            endpoint, _ = self.application.url_map.bind("localhost").match(
                urlsplit(url).path, method="POST"
            )
        except HTTPException:
            return False
        return getattr(self.application.view_functions[endpoint], "one_time_form", False)

    def _open_in_own_app_context(self, *args, **kwargs):
        # The test holds an app context for its own session; Flask would reuse it for the
        # request, sharing ``g`` (CSRF token, actor, DB session) between requests. Hide it
        # so each request gets a fresh context, as in production.
        hidden = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(hidden)

    def csrf_token(self) -> str:
        response = self._open_in_own_app_context("/api/auth/csrf", method="GET")
        return response.get_json()["csrf_token"]

    def login(self, email: str, password: str = factories.PASSWORD):
        response = self.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.get_json()
        return response


def _has_bearer(kwargs) -> bool:
    headers = kwargs.get("headers") or {}
    value = dict(headers).get("Authorization", "")
    return value.lower().startswith("bearer ")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return test_database_url(tmp_path_factory)


def suite_settings(database_url: str, instance) -> dict:
    """The configuration of every app the tests make."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "ARGON2_PROFILE": "CHEAPEST",
        "RATE_LIMITS_ENABLED": False,
        "UPLOAD_DIR": str(instance / "uploads"),
        "BACKUP_DIR": str(instance / "backups"),
        "JOBS_QUEUE_URL": "memory://",
    }


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["SUPPLIERMATCH_INSTANCE_DIR"] = str(instance)
    app = create_app(
        {
            **suite_settings(database_url, instance),
            # Jobs run as they are queued, in the test's process and transaction;
            # tests/jobs leave them waiting (the ``worker`` fixture) and take the worker's step.
            "JOBS_IMMEDIATE": True,
        }
    )
    app.test_client_class = BrowserLikeClient
    with app.app_context():
        metadata.drop_all(db.engine)
        metadata.create_all(db.engine)
    yield app
    with app.app_context():
        metadata.drop_all(db.engine)
        db.engine.dispose()


@contextmanager
def rolled_back_transaction():
    """Every session in the block joins one outer transaction through SAVEPOINTs.

    SQLAlchemy's "joining a session into an external transaction" recipe: commits in the
    code under test release savepoints; the outer transaction is rolled back at the end.
    (Flask-SQLAlchemy-Lite's test_isolation does not join with SQLAlchemy 2.1.)
    """
    connection = db.engine.connect()
    outer = connection.begin()
    options = {"bind": connection, "join_transaction_mode": "create_savepoint"}
    try:
        with mock.patch.dict(db.sessionmaker.kw, options):
            yield
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture(autouse=True)
def _isolated(request):
    """Roll back everything a test wrote (only for tests that use the app)."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context(), rolled_back_transaction():
        yield


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app) -> BrowserLikeClient:
    return app.test_client()


@pytest.fixture
def make_client(app):
    """A fresh, signed-in client for a user: ``make_client(user)``."""

    def make(user=None, password: str = factories.PASSWORD) -> BrowserLikeClient:
        c = app.test_client()
        if user is not None:
            c.login(user.email, password)
        return c

    return make


@pytest.fixture
def world(session):
    """Two clusters with an MSME, an anchor and a coordinator each, plus an admin.

    The cast of the access tests: MSME A/B, anchor X/Y, coordinator 1/2, admin.
    """
    cluster_1 = factories.make_cluster(session, slug=factories.unique("one"))
    cluster_2 = factories.make_cluster(session, slug=factories.unique("two"))
    cast = {
        "cluster_1": cluster_1,
        "cluster_2": cluster_2,
        "msme_a": factories.make_user(session, kind="msme", cluster=cluster_1),
        "msme_b": factories.make_user(session, kind="msme", cluster=cluster_2),
        "anchor_x": factories.make_user(session, kind="anchor", cluster=cluster_1),
        "anchor_y": factories.make_user(session, kind="anchor", cluster=cluster_2),
        "coordinator_1": factories.make_user(session, kind="coordinator", cluster=cluster_1),
        "coordinator_2": factories.make_user(session, kind="coordinator", cluster=cluster_2),
        "admin": factories.make_user(session, kind="admin"),
    }
    session.commit()
    return cast


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on a loopback port that the app's mail goes to (tests/smtp.py)."""
    from tests.smtp import running_smtp_server

    with running_smtp_server() as server:
        monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
        monkeypatch.setitem(app.config, "MAIL_FROM", "rfq@suppliermatch.test")
        monkeypatch.setitem(app.config, "BASE_URL", "https://suppliermatch.test")
        yield server


@pytest.fixture
def new_database(database_url, tmp_path):
    """Make empty databases on the suite's backend: ``url = new_database()``. Dropped after."""
    import uuid

    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    base = make_url(database_url)
    created: list[str] = []

    def make() -> str:
        name = f"scratch_{uuid.uuid4().hex[:10]}"
        if base.get_backend_name() == "sqlite":
            return f"sqlite:///{tmp_path / (name + '.db')}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        created.append(name)
        return base.set(database=name).render_as_string(hide_password=False)

    yield make
    if created:
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in created:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def two_apps(app, new_database):
    """Two app instances (two workers, or two machines) over one new database."""
    url = new_database()
    apps = [create_app({**app.config, "DATABASE_URL": url}) for _ in range(2)]
    for each in apps:
        each.test_client_class = app.test_client_class
    with apps[0].app_context():
        metadata.create_all(db.engine)
    yield apps
    for each in apps:
        with each.app_context():
            db.engine.dispose()
