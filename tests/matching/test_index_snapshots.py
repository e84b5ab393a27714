"""A restarted process starts from the index snapshot its predecessor wrote, catches up with
what changed meanwhile, and never serves a snapshot that is corrupt, stale or not its own."""

import dataclasses
import logging
import pickle

import pytest
import sqlalchemy as sa

from suppliermatch import create_app, index_snapshots
from suppliermatch.extensions import db
from suppliermatch.matching.cache import _snapshot_stamp
from suppliermatch.matching.cache import cache_for as matching_cache_for
from suppliermatch.matching.engine.index import MatchIndex
from suppliermatch.reference.taxonomy import default_taxonomy
from suppliermatch.suppliers.search.index import SearchIndex
from suppliermatch.tables import metadata
from tests import factories


@pytest.fixture
def restart(app, new_database, tmp_path):
    """``start()`` makes a new process's app over one committed database; snapshots on."""
    config = {
        **app.config,
        "DATABASE_URL": new_database(),
        "INDEX_SNAPSHOT_DIR": str(tmp_path / "snapshots"),
    }
    started = []

    def start():
        each = create_app(config)
        each.test_client_class = app.test_client_class
        started.append(each)
        return each

    with start().app_context():
        metadata.create_all(db.engine)
    yield start
    for each in started:
        with each.app_context():
            db.engine.dispose()


@pytest.fixture
def scene(restart):
    first = restart()
    with first.app_context():
        session = db.session
        cast = factories.make_buyer_and_coordinator(session)
        made = factories.make_matching_scene(session, cast, needed_in_days=5)
        ids = {name: row.id for name, row in made.items()}
        versions = {name: row.version for name, row in made.items()}
    return {"first": first, "cast": cast, "ids": ids, "versions": versions}


def client_of(app, user):
    client = app.test_client()
    client.login(user.email)
    return client


def ranking(app, scene) -> dict:
    client = client_of(app, scene["cast"]["anchor_x"])
    answer = client.get(f"/api/requirements/{scene['ids']['requirement']}/matches")
    assert answer.status_code == 200, answer.get_json()
    return {item["supplier_name"]: item["match"] for item in answer.get_json()["items"]}


def run_cli(app, *args):
    """A command of ``app`` (its own context pushed: the test app's is current otherwise)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def no_full_builds(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("built from every row although a valid snapshot was there")

    monkeypatch.setattr(MatchIndex, "build", refuse)
    monkeypatch.setattr(SearchIndex, "build", refuse)


def snapshot_file(app, kind: str):
    with app.app_context():
        return index_snapshots.store_for(db.session).path(kind)


def test_a_restart_starts_from_the_snapshot_and_catches_up(scene, restart, monkeypatch, caplog):
    first = scene["first"]
    assert ranking(first, scene) == {
        "Kaveri Platers Pvt Ltd": "exact",
        "Deccan Zinc Coaters": "related",
    }
    assert snapshot_file(first, "matching").exists()

    # After the snapshot: the zinc plater now offers NiCuNi plating too.
    coordinator = client_of(first, scene["cast"]["coordinator_1"])
    edited = coordinator.patch(
        f"/api/suppliers/{scene['ids']['zinc_plater']}",
        json={
            "version": scene["versions"]["zinc_plater"],
            "about": "Zinc and Ni-Cu-Ni plating lines.",
        },
    )
    assert edited.status_code == 200, edited.get_json()

    no_full_builds(monkeypatch)
    caplog.set_level(logging.INFO, logger="suppliermatch")
    second = restart()
    assert ranking(second, scene)["Deccan Zinc Coaters"] == "exact"
    assert "matching index restored from its snapshot: 5 suppliers, 1 changed" in caplog.text
    with second.app_context():
        assert matching_cache_for(db.session).from_snapshot


def test_search_starts_from_its_snapshot_and_finds_a_supplier_added_since(
    scene, restart, monkeypatch
):
    first = scene["first"]
    coordinator = client_of(first, scene["cast"]["coordinator_1"])
    assert coordinator.get("/api/suppliers?q=plating").status_code == 200
    assert snapshot_file(first, "search").exists()
    with first.app_context():
        factories.make_supplier(
            db.session,
            cluster=scene["cast"]["cluster_1"],
            legal_name="Rushikulya Anodisers",
            about="Hard anodising of aluminium housings.",
        )
        db.session.commit()

    no_full_builds(monkeypatch)
    second = restart()
    found = client_of(second, scene["cast"]["coordinator_1"]).get("/api/suppliers?q=anodising")
    assert found.status_code == 200, found.get_json()
    assert [item["legal_name"] for item in found.get_json()] == ["Rushikulya Anodisers"]


def flip_last_byte(path):
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (flip_last_byte, "signature does not match"),
        (lambda path: path.write_bytes(path.read_bytes()[:-100]), "signature does not match"),
        (lambda path: path.write_bytes(path.read_bytes()[:20]), "not a snapshot file"),
        (lambda path: path.write_bytes(b"garbage"), "not a snapshot file"),
    ],
    ids=["corrupt", "truncated", "cut in its header", "not a snapshot"],
)
def test_a_spoilt_snapshot_is_refused_and_rebuilt(scene, restart, caplog, spoil, reason):
    first = scene["first"]
    expected = ranking(first, scene)
    path = snapshot_file(first, "matching")
    spoil(path)

    caplog.set_level(logging.INFO, logger="suppliermatch")
    second = restart()
    assert ranking(second, scene) == expected
    assert reason in caplog.text
    assert "matching index built: 5 suppliers" in caplog.text
    # The rebuild wrote a good snapshot again: the next start uses it.
    caplog.clear()
    assert ranking(restart(), scene) == expected
    assert "matching index restored from its snapshot" in caplog.text


def test_a_snapshot_signed_with_another_key_is_never_unpickled(scene, restart, caplog, monkeypatch):
    first = scene["first"]
    expected = ranking(first, scene)
    with first.app_context():
        ours = index_snapshots.store_for(db.session)
    planted = dataclasses.replace(ours, secret=b"someone else's key")
    # The right stamp, so that only the signature tells it apart.
    planted.save("matching", _snapshot_stamp(default_taxonomy()), ("not", "an index"))
    unpickled = []
    loads = pickle.loads
    monkeypatch.setattr(pickle, "loads", lambda data: unpickled.append(1) or loads(data))

    caplog.set_level(logging.INFO, logger="suppliermatch")
    assert ranking(restart(), scene) == expected
    assert "signature does not match" in caplog.text
    assert not unpickled


def test_a_snapshot_of_other_code_or_reference_data_is_stale(scene, restart, caplog, monkeypatch):
    first = scene["first"]
    expected = ranking(first, scene)
    caplog.set_level(logging.INFO, logger="suppliermatch")
    monkeypatch.setattr(index_snapshots, "code_digest", lambda: "a later release")
    assert ranking(restart(), scene) == expected
    assert "refused (stale: code differ)" in caplog.text
    assert "matching index built: 5 suppliers" in caplog.text


def test_a_database_older_than_its_snapshot_is_caught_by_the_count(scene, restart, caplog):
    """Rows gone without a trace in the change feed (a restore from an older backup): the
    caught-up index does not hold what the database holds, so it is rebuilt."""
    first = scene["first"]
    assert "Deccan Zinc Coaters" in ranking(first, scene)
    with first.app_context():
        zinc = scene["ids"]["zinc_plater"]
        for table in ("suppliercertificate", "capability", "equipment"):
            db.session.execute(
                sa.text(f"DELETE FROM {table} WHERE supplier_id = :id"), {"id": zinc}
            )
        db.session.execute(sa.text("DELETE FROM supplier WHERE id = :id"), {"id": zinc})
        db.session.commit()

    caplog.set_level(logging.INFO, logger="suppliermatch")
    assert "Deccan Zinc Coaters" not in ranking(restart(), scene)
    assert "matching index snapshot refused after catching up: it holds 5" in caplog.text


def test_no_snapshots_for_a_session_on_one_connection(session, app):
    """The tests' rolled-back transactions: what was never committed must not be saved
    (the tests above show a session on the engine gets its store)."""
    assert app.config["INDEX_SNAPSHOT_DIR"]
    assert index_snapshots.store_for(session) is None


def test_flask_indexes_build_writes_the_snapshots_a_start_then_loads(scene, restart, monkeypatch):
    first = scene["first"]
    result = run_cli(first, "indexes", "build")
    assert result.exit_code == 0, result.output
    assert "Matching index: 5 suppliers" in result.output
    assert "Search index: 5 suppliers" in result.output
    assert snapshot_file(first, "matching").exists() and snapshot_file(first, "search").exists()

    no_full_builds(monkeypatch)
    assert ranking(restart(), scene)["Kaveri Platers Pvt Ltd"] == "exact"


def test_flask_indexes_build_refuses_when_snapshots_are_off(restart):
    app = restart()
    app.config["INDEX_SNAPSHOT_DIR"] = ""
    result = run_cli(app, "indexes", "build")
    assert result.exit_code != 0
    assert "INDEX_SNAPSHOT_DIR is empty" in result.output
