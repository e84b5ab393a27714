"""`flask certs tick`: past-expiry certificates become expired; reminders 90, 30 and 7 days
before expiry are queued exactly once each, however often the tick runs."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from suppliermatch.accounts.models import Organisation
from suppliermatch.audit.models import AuditEvent
from suppliermatch.certification.expiry import reminder_threshold
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.certification.service import countable_certificates
from suppliermatch.formats import day_text
from suppliermatch.notifications.models import Notification
from tests import factories
from tests.certification.builders import make_record

DAY = date(2026, 6, 1)


def tick(app, day: date) -> str:
    result = app.test_cli_runner().invoke(args=["certs", "tick", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def reminders(session, kind="certificate_expiring") -> list[Notification]:
    session.expire_all()
    return list(session.exec(select(Notification).where(Notification.kind == kind)))


def test_past_expiry_certificates_become_expired_and_the_day_itself_still_counts(
    app, session, cast
):
    supplier = cast["supplier_a"]
    lapsed = make_record(session, supplier, code="ISO9001", expires_on=DAY - timedelta(days=1))
    last_day = make_record(session, supplier, code="ISO14001", expires_on=DAY)
    suspended = make_record(
        session, supplier, code="ISO45001", state="suspended", expires_on=DAY - timedelta(days=3)
    )
    session.commit()

    output = tick(app, DAY)
    assert "2 certificate(s) moved to expired" in output

    session.expire_all()
    assert session.get(SupplierCertificate, lapsed.id).state == "expired"
    assert session.get(SupplierCertificate, suspended.id).state == "expired"
    assert session.get(SupplierCertificate, last_day.id).state == "certified"
    assert [c.code for c in countable_certificates(session, supplier.id, on=DAY)] == ["ISO14001"]
    assert countable_certificates(session, supplier.id, on=DAY + timedelta(days=1)) == []

    trail = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_id == lapsed.id, AuditEvent.action == "transition"
        )
    ).one()
    assert (trail.from_state, trail.to_state, trail.actor_user_id) == ("certified", "expired", None)
    expired_notices = reminders(session, "certificate_expired")
    assert {n.user_id for n in expired_notices} == {cast["msme_a"].id}
    assert len(expired_notices) == 2


def test_matching_stops_counting_an_expired_certificate_even_before_the_tick(session, cast):
    make_record(session, cast["supplier_a"], expires_on=DAY - timedelta(days=1))
    assert countable_certificates(session, cast["supplier_a"].id, on=DAY) == []


def test_each_reminder_is_queued_once_even_when_the_tick_runs_twice(app, session, cast):
    record = make_record(session, cast["supplier_a"], expires_on=DAY + timedelta(days=30))
    session.commit()

    assert "1 reminder(s) queued" in tick(app, DAY)
    assert "0 reminder(s) queued" in tick(app, DAY)
    assert "0 reminder(s) queued" in tick(app, DAY + timedelta(days=1))
    queued = reminders(session)
    assert len(queued) == 1
    assert queued[0].user_id == cast["msme_a"].id
    assert queued[0].dedup_key == f"cert-expiry:{record.id}:30:user:{cast['msme_a'].id}"
    assert "30 day(s)" in queued[0].subject and day_text(record.expires_on) in queued[0].subject

    tick(app, DAY + timedelta(days=23))  # 7 days left
    tick(app, DAY + timedelta(days=23))
    assert sorted(n.dedup_key.split(":")[2] for n in reminders(session)) == ["30", "7"]


def test_reminders_at_90_30_and_7_days_each_once_over_the_whole_run_up(app, session, cast):
    make_record(session, cast["supplier_a"], expires_on=DAY + timedelta(days=100))
    session.commit()
    for offset in range(0, 101):
        tick(app, DAY + timedelta(days=offset))
    thresholds = sorted(int(n.dedup_key.split(":")[2]) for n in reminders(session))
    assert thresholds == [7, 30, 90]


def test_every_user_of_the_msme_is_reminded(app, session, cast):
    organisation = session.get(Organisation, cast["msme_a"].organisation_id)
    colleague = factories.make_user(session, kind="msme", organisation=organisation)
    make_record(session, cast["supplier_a"], expires_on=DAY + timedelta(days=7))
    session.commit()
    tick(app, DAY)
    assert {n.user_id for n in reminders(session)} == {cast["msme_a"].id, colleague.id}


def test_a_renewed_certificate_lapses_quietly(app, session, cast):
    old = make_record(session, cast["supplier_a"], expires_on=DAY - timedelta(days=1))
    make_record(
        session,
        cast["supplier_a"],
        renews_id=old.id,
        issued_on=DAY - timedelta(days=10),
        expires_on=DAY + timedelta(days=1000),
    )
    session.commit()
    tick(app, DAY)
    session.expire_all()
    assert session.get(SupplierCertificate, old.id).state == "expired"
    assert reminders(session, "certificate_expired") == []


@pytest.mark.parametrize(
    ("days_left", "threshold"),
    [(120, None), (91, None), (90, 90), (45, 90), (30, 30), (8, 30), (7, 7), (0, 7), (-1, None)],
)
def test_the_reminder_due_is_the_tightest_threshold_reached(days_left, threshold):
    assert reminder_threshold(days_left) == threshold
