"""Two editors who both opened version 1 cannot both save: one wins, the other gets a 409.

Runs against committed rows in real concurrent transactions (not the rolled-back test
transaction), on whichever database the suite uses. On PostgreSQL both editors read the
row before either writes, so the second UPDATE waits for the first's row lock and then
matches nothing; SQLite's write lock makes the second start after the first commits.
"""

import threading
import time

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from suppliermatch.accounts.models import Cluster, Organisation, User
from suppliermatch.database import engine_settings
from suppliermatch.errors import Conflict
from suppliermatch.locking import claim
from suppliermatch.requirements.models import Requirement

TABLES = [Cluster.__table__, Organisation.__table__, User.__table__, Requirement.__table__]


@pytest.fixture
def engine(database_url):
    settings = engine_settings(database_url)
    engine = sa.create_engine(settings.pop("url"), **settings)
    Requirement.metadata.create_all(engine, tables=TABLES, checkfirst=True)
    yield engine
    engine.dispose()


@pytest.fixture
def requirement_id(engine):
    with Session(engine) as session:
        anchor = Organisation(kind="anchor", name="Concurrency Magnets")
        session.add(anchor)
        session.flush()
        requirement = Requirement(
            anchor_id=anchor.id, title="Graphite boats", category="furnace_parts"
        )
        session.add(requirement)
        session.commit()
        ids = requirement.id, anchor.id
    yield ids[0]
    with Session(engine) as session:
        session.execute(sa.delete(Requirement).where(Requirement.id == ids[0]))
        session.execute(sa.delete(Organisation).where(Organisation.id == ids[1]))
        session.commit()


def _edit(engine, requirement_id, title, both_read, outcomes):
    with Session(engine) as session:
        row = session.get(Requirement, requirement_id)
        if both_read is not None:
            both_read.wait(timeout=10)
        try:
            claim(session, row, what="requirement", version=1, values={"title": title})
            time.sleep(0.2)  # keep the transaction open while the other editor tries
            session.commit()
            outcomes.append(("saved", title))
        except Conflict as error:
            session.rollback()
            outcomes.append(("refused", error.message))


def test_same_version_edits_never_both_win(engine, requirement_id):
    # SQLite lets one writer in at a time: the second editor cannot even read until the
    # first commits, so waiting for both reads would only deadlock there.
    both_read = threading.Barrier(2) if engine.dialect.name != "sqlite" else None
    outcomes: list = []
    editors = [
        threading.Thread(target=_edit, args=(engine, requirement_id, title, both_read, outcomes))
        for title in ("Graphite boats, 300 pcs", "Graphite boats, 500 pcs")
    ]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(timeout=30)

    assert sorted(kind for kind, _ in outcomes) == ["refused", "saved"]
    winner = next(title for kind, title in outcomes if kind == "saved")
    refusal = next(message for kind, message in outcomes if kind == "refused")
    assert "version 1" in refusal and "version 2" in refusal
    with Session(engine) as session:
        saved = session.get(Requirement, requirement_id)
        assert (saved.title, saved.version) == (winner, 2)
