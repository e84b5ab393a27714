"""The master's warm-up before gunicorn forks its workers."""

import gc

import pytest

from suppliermatch.app import create_app
from suppliermatch.extensions import db
from suppliermatch.matching.cache import cache_for as matching_cache_for
from suppliermatch.tables import metadata
from suppliermatch.warmup import warm_before_fork
from tests import factories


@pytest.fixture
def fresh_app(app, new_database):
    fresh = create_app({**app.config, "DATABASE_URL": new_database()})
    with fresh.app_context():
        metadata.create_all(db.engine)
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_the_indexes_are_built_and_frozen_out_of_the_collectors_reach(fresh_app, unfrozen):
    gc.unfreeze()

    said = warm_before_fork(fresh_app)

    assert said.startswith("indexes ready: matching 0 suppliers")
    # Workers forked now never touch these objects' headers in a collection.
    assert gc.get_freeze_count() > 0


def test_nothing_is_built_or_frozen_when_warming_is_off(fresh_app, unfrozen):
    gc.unfreeze()
    fresh_app.config["WARM_INDEXES_AT_START"] = False

    said = warm_before_fork(fresh_app)

    assert "WARM_INDEXES_AT_START is off" in said
    assert gc.get_freeze_count() == 0


def test_a_large_database_without_a_snapshot_is_left_to_the_workers(fresh_app, unfrozen):
    """Built in the master, it would keep every request waiting on the open socket."""
    with fresh_app.app_context():
        factories.make_supplier(db.session, legal_name="Ganjam Castings")
        db.session.commit()
        matching = matching_cache_for(db.session)
    matching.inline_build_limit = 0  # as if this were a million suppliers

    said = warm_before_fork(fresh_app)

    assert said.startswith("indexes not built before the workers start: 1 suppliers")
    assert matching.index is None

    # Once `flask indexes build` has written the snapshots, the master loads them.
    with fresh_app.app_context():  # else the command runs in the test app's context
        built = fresh_app.test_cli_runner().invoke(args=["indexes", "build"])
    assert built.exit_code == 0, built.output
    said = warm_before_fork(fresh_app)
    assert said.startswith("indexes ready: matching 1 suppliers from its snapshot")
