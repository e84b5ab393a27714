"""The notification outbox: written with the event, listed in the app, e-mailed by a command."""

from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.models_base import utcnow
from suppliermatch.notifications import service
from suppliermatch.notifications.models import Notification
from tests import factories


@pytest.fixture
def user(session):
    person = factories.make_user(session, kind="msme", email="asha@precision.test")
    session.commit()
    return person


def _notify(session, user, subject="Invitation to quote: graphite boats", **kwargs):
    created = service.enqueue(
        session,
        user_ids=[user.id],
        kind="invited",
        subject=subject,
        body="You are invited to quote.",
        link="/requirements/7",
        **kwargs,
    )
    session.commit()
    return created


def test_the_same_dedup_key_reaches_a_user_once(session, user):
    assert len(_notify(session, user, dedup_key="deadline:7")) == 1
    assert _notify(session, user, dedup_key="deadline:7") == []
    assert len(session.exec(select(Notification)).all()) == 1


def test_user_lists_and_reads_own_notifications(session, make_client, user):
    _notify(session, user, subject="First")
    _notify(session, user, subject="Second")
    client = make_client(user)
    listed = client.get("/api/notifications?per_page=1")
    assert listed.status_code == 200
    assert [n["subject"] for n in listed.get_json()] == ["Second"]
    assert '"total": 2' in listed.headers["X-Pagination"]
    first_id = client.get("/api/notifications").get_json()[1]["id"]
    read = client.post(f"/api/notifications/{first_id}/read")
    assert read.status_code == 200 and read.get_json()["read_at"]
    unread = client.get("/api/notifications?unread=true").get_json()
    assert [n["subject"] for n in unread] == ["Second"]
    assert client.post("/api/notifications/read-all").get_json() == {"marked": 1}


def test_nobody_reads_someone_elses_notification(session, make_client, user):
    notification = _notify(session, user)[0]
    stranger = factories.make_user(session, kind="anchor")
    session.commit()
    client = make_client(stranger)
    assert client.post(f"/api/notifications/{notification.id}/read").status_code == 404
    assert client.post(f"/notifications/{notification.id}/read").status_code == 404
    assert client.get("/api/notifications").get_json() == []


def test_inbox_page_opens_the_linked_page(session, make_client, user):
    notification = _notify(session, user)[0]
    client = make_client(user)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Invitation to quote: graphite boats" in page and "1 unread" in page
    opened = client.post(f"/notifications/{notification.id}/read")
    assert opened.status_code == 302 and opened.headers["Location"] == "/requirements/7"
    assert "0 unread" in client.get("/notifications").get_data(as_text=True)


def test_send_command_emails_each_pending_notification_once(app, session, user, smtp_server):
    _notify(session, user)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "E-mails sent: 1, failed: 0." in result.output
    (message,) = smtp_server.messages
    assert message["To"] == "asha@precision.test"
    assert message["From"] == "rfq@suppliermatch.test"
    assert message["Subject"] == "Invitation to quote: graphite boats"
    assert "https://suppliermatch.test/requirements/7" in message.get_payload()
    session.expire_all()
    assert session.exec(select(Notification)).one().emailed_at is not None

    again = runner.invoke(args=["notifications", "send"])
    assert "E-mails sent: 0, failed: 0." in again.output
    assert len(smtp_server.messages) == 1


def test_failed_sends_are_counted_and_retried_later(app, session, user, monkeypatch):
    _notify(session, user)
    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 1
    assert "E-mails sent: 0, failed: 1." in result.output
    session.expire_all()
    pending = session.exec(select(Notification)).one()
    assert pending.emailed_at is None and pending.email_attempts == 1


def test_send_command_needs_a_mail_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_HOST", None)
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code != 0
    assert "MAIL_HOST is not set" in result.output


def test_deadline_reminders_reach_invited_suppliers_who_have_not_quoted(app, session):
    from suppliermatch.access import actor_for_user
    from suppliermatch.requirements.invitations import invite_suppliers

    cluster = factories.make_cluster(session)
    anchor = factories.make_user(session, kind="anchor", cluster=cluster)
    waiting = factories.make_user(session, kind="msme", cluster=cluster)
    supplier = factories.supplier_profile_for(session, waiting)
    soon = factories.make_requirement(session, anchor_user=anchor, deadline_in_days=1)
    later = factories.make_requirement(session, anchor_user=anchor, deadline_in_days=10)
    for requirement in (soon, later):
        invite_suppliers(
            session,
            actor=actor_for_user(session, anchor),
            requirement_id=requirement.id,
            supplier_ids=[supplier.id],
            now=utcnow() - timedelta(hours=1),
        )
    session.commit()
    runner = app.test_cli_runner()
    assert "Queued 1 reminder(s)." in runner.invoke(args=["requirements", "send-reminders"]).output
    assert "Queued 0 reminder(s)." in runner.invoke(args=["requirements", "send-reminders"]).output
    reminder = session.exec(
        select(Notification).where(Notification.kind == "deadline_approaching")
    ).one()
    assert reminder.user_id == waiting.id and soon.title in reminder.subject
