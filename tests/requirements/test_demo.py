"""The demo loads the whole RFQ cycle through the services, once: requirements in every
state, invitations, sealed and opened quotes, an award and its rating, with the
coordinator's queues already holding work."""

import pytest
from sqlmodel import func, select

from suppliermatch.access import actor_for_user
from suppliermatch.accounts.models import User
from suppliermatch.requirements.demo import SENTINEL_BUDGET_INR, SENTINEL_BUDGET_REF
from suppliermatch.requirements.models import Award, Invitation, Quote, Rating, Requirement
from suppliermatch.requirements.quotes import compare_quotes
from suppliermatch.seeding import demo
from suppliermatch.start.service import coordinator_start

GANJAM_COORDINATOR = "coordinator.ganjam@demo.suppliermatch.in"
VINDHYA_BUYER = "buyer@vindhya-magnets.demo.in"


def _requirement(session, ref: str) -> Requirement:
    return session.exec(select(Requirement).where(Requirement.external_ref == ref)).one()


def _actor(session, email: str):
    user = session.exec(select(User).where(User.email == email)).one()
    return actor_for_user(session, user)


@pytest.mark.slow
def test_demo_seeds_the_whole_cycle_once(session):
    first = demo.load_demo(session)
    assert first["requirements"] == 23
    second = demo.load_demo(session)
    assert set(second.values()) == {0}

    statuses = dict(
        session.exec(select(Requirement.status, func.count()).group_by(Requirement.status)).all()
    )
    assert statuses == {"published": 19, "draft": 2, "closed": 1, "awarded": 1}
    sentinel = _requirement(session, SENTINEL_BUDGET_REF)
    assert sentinel.budget_max_inr == SENTINEL_BUDGET_INR
    located = session.exec(select(func.count()).where(Requirement.plant_lat.is_not(None))).one()
    assert located == 23
    assert session.exec(select(func.count()).select_from(Invitation)).one() == 6
    # Every login is printed: 13 of users.json and the 20 MSME owners of suppliers.json.
    assert len(demo.demo_logins(session)) == 33

    buyer_kalinga = _actor(session, "buyer@kalinga-magnetics.demo.in")
    buyer_vindhya = _actor(session, VINDHYA_BUYER)
    sealed = compare_quotes(
        session, actor=buyer_kalinga, requirement_id=_requirement(session, "KAL-RFQ-2026-014").id
    )
    assert sealed.sealed and sealed.quote_count == 1
    opened = compare_quotes(
        session, actor=buyer_vindhya, requirement_id=_requirement(session, "VIN-RFQ-2026-004").id
    )
    assert not opened.sealed and len(opened.quotes) == 2

    awarded = _requirement(session, "VIN-RFQ-2026-005")
    (award,) = session.exec(select(Award).where(Award.requirement_id == awarded.id)).all()
    assert session.exec(select(Rating).where(Rating.award_id == award.id)).one().on_time == 5
    quote_statuses = sorted(
        session.exec(select(Quote.status).where(Quote.requirement_id == awarded.id)).all()
    )
    assert quote_statuses == ["awarded", "not_awarded"]

    # The coordinator's queues hold work without anyone pressing "scan".
    queues = {
        q.label: q.count
        for q in coordinator_start(session, _actor(session, GANJAM_COORDINATOR)).queues
    }
    assert queues["Possible duplicate suppliers"] >= 1
    assert queues["Certificates to verify"] >= 1
    assert queues["Anchor firms awaiting approval"] == 1


def test_the_login_table_lists_every_demo_login_by_cluster(session):
    demo._load_clusters(session)
    demo._load_users(session)
    lines = demo.login_table(demo.demo_logins(session))
    assert lines[0].split() == ["role", "cluster", "e-mail", "organisation"]
    assert lines[1].split()[:3] == ["admin", "all", "clusters"]
    assert len(lines) == 1 + 13  # the MSME logins come with the suppliers
    ganjam = [line for line in lines if "Ganjam" in line]
    assert [line.split()[0] for line in ganjam] == ["coordinator", "anchor", "anchor", "anchor"]
    assert any("anchor (awaiting approval)" in line and "mahanadi" in line for line in ganjam)
    # One column each: the e-mail starts at the same place on every line.
    assert len({line.index("@") - len(line.split("@")[0].split()[-1]) for line in lines[1:]}) == 1
