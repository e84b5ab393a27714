"""The demo requirements load through the service, once."""

from sqlmodel import func, select

from suppliermatch.requirements.demo import (
    SENTINEL_BUDGET_INR,
    SENTINEL_BUDGET_REF,
    load_demo_requirements,
)
from suppliermatch.requirements.models import Requirement
from suppliermatch.seeding import demo


def test_demo_requirements_load_once_and_mostly_published(session):
    # The demo's clusters and anchor firms come first, as `flask seed demo` loads them.
    demo._load_clusters(session)
    demo._load_users(session)
    assert load_demo_requirements(session, progress=lambda _m: None) == 20
    assert load_demo_requirements(session, progress=lambda _m: None) == 0

    statuses = dict(
        session.exec(select(Requirement.status, func.count()).group_by(Requirement.status)).all()
    )
    assert statuses == {"published": 18, "draft": 2}
    sentinel = session.exec(
        select(Requirement).where(Requirement.external_ref == SENTINEL_BUDGET_REF)
    ).one()
    assert sentinel.budget_max_inr == SENTINEL_BUDGET_INR
    located = session.exec(select(func.count()).where(Requirement.plant_lat.is_not(None))).one()
    assert located == 20
