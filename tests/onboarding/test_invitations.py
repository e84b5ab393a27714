"""Coordinators invite imported suppliers to claim their profiles: a one-time link by e-mail
through the outbox, stored as a digest only; invited / bounced / claimed per supplier."""

import hashlib
import io
from datetime import timedelta

from sqlmodel import select

from suppliermatch.accounts import account_tokens
from suppliermatch.accounts.models import AccountToken, TokenPurpose, User
from suppliermatch.audit.models import AuditEvent
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.delivery import MAX_EMAIL_ATTEMPTS
from suppliermatch.notifications.models import Notification
from suppliermatch.onboarding import invitations
from suppliermatch.onboarding.models import SupplierInvitation
from suppliermatch.suppliers.models import Supplier
from tests import factories
from tests.onboarding.conftest import CLAIM_LINK, send_outbox

NEW_OWNER = {"full_name": "Asha Rath", "password": "graphite boats sinter slowly"}


def invite(client, **body):
    return client.post("/api/supplier-invitations", json=body)


def status_of(client, supplier) -> str:
    return client.get(f"/api/suppliers/{supplier.id}/invitation").get_json()["status"]


def claim(client, token, email="accounts@asha.test"):
    return client.post("/api/claims/invitation", json={"token": token, "email": email, **NEW_OWNER})


def test_an_invitation_is_emailed_with_a_link_whose_digest_alone_is_stored(
    app, session, make_client, coordinator, imported, smtp_server
):
    client = make_client(coordinator)
    asha = imported["asha"]

    response = invite(client, supplier_ids=[asha.id])

    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"invited": [asha.id], "skipped": []}
    queued = session.exec(select(Notification).where(Notification.supplier_id == asha.id)).one()
    assert queued.user_id is None and "/claim/" not in queued.body
    assert status_of(client, asha) == "invited"

    assert "E-mails sent: 1, failed: 0." in send_outbox(app)
    (message,) = smtp_server.to("accounts@asha.test")
    assert "Asha Precision Works" in message["Subject"]
    token = smtp_server.link("accounts@asha.test", CLAIM_LINK)
    stored = session.exec(select(AccountToken).where(AccountToken.supplier_id == asha.id)).one()
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert stored.purpose == TokenPurpose.SUPPLIER_INVITATION
    assert stored.expires_at - stored.created_at == timedelta(days=14)
    assert not [b for b in session.exec(select(Notification.body)).all() if token in b]


def test_following_the_link_sets_a_password_and_owns_the_profile_once(
    app, session, make_client, coordinator, imported, smtp_server
):
    coordinator_client = make_client(coordinator)
    asha = imported["asha"]
    invite(coordinator_client, supplier_ids=[asha.id])
    send_outbox(app)
    token = smtp_server.link("accounts@asha.test", CLAIM_LINK)
    msme = make_client()

    page = msme.get(f"/claim/{token}")
    assert page.status_code == 200 and "Claim Asha Precision Works" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    claimed = claim(msme, token)

    assert claimed.status_code == 201, claimed.get_json()
    me = claimed.get_json()
    assert me["kind"] == "msme" and me["supplier_id"] == asha.id
    # The link went to the address on record: the account's address is proven by it.
    assert me["email_verified"] is True
    profile = msme.get("/api/suppliers/me").get_json()
    assert profile["legal_name"] == "Asha Precision Works"
    assert status_of(coordinator_client, asha) == "claimed"
    session.expire_all()
    assert session.get(Supplier, asha.id).organisation_id is not None
    audit = session.exec(
        select(AuditEvent).where(AuditEvent.entity_id == asha.id, AuditEvent.action == "claimed")
    ).one()
    assert audit.details["via"] == TokenPurpose.SUPPLIER_INVITATION

    again = claim(make_client(), token, email="someone-else@asha.test")
    assert again.status_code == 422 and "token" in again.get_json()["errors"]
    spent = make_client().get(f"/claim/{token}").get_data(as_text=True)
    assert account_tokens.INVALID_LINK in spent and 'name="password"' not in spent


def test_a_claim_with_another_address_leaves_it_to_be_verified(
    app, session, make_client, coordinator, imported, smtp_server
):
    invite(make_client(coordinator), supplier_ids=[imported["asha"].id])
    send_outbox(app)
    token = smtp_server.link("accounts@asha.test", CLAIM_LINK)

    claimed = claim(make_client(), token, email="owner@asha-personal.test")

    assert claimed.status_code == 201
    assert claimed.get_json()["email_verified"] is False


def test_a_refused_password_stores_nothing_and_keeps_the_link(
    app, session, make_client, coordinator, imported, smtp_server
):
    invite(make_client(coordinator), supplier_ids=[imported["asha"].id])
    send_outbox(app)
    token = smtp_server.link("accounts@asha.test", CLAIM_LINK)
    users_before = len(session.exec(select(User)).all())

    refused = make_client().post(
        "/api/claims/invitation",
        json={**NEW_OWNER, "token": token, "email": "accounts@asha.test", "password": "short"},
    )

    assert refused.status_code == 422 and "password" in refused.get_json()["errors"]
    session.expire_all()
    assert len(session.exec(select(User)).all()) == users_before
    assert session.get(Supplier, imported["asha"].id).organisation_id is None
    assert claim(make_client(), token).status_code == 201


def test_an_expired_link_is_refused(session, make_client, imported):
    issued = utcnow() - timedelta(days=15)
    path = invitations.claim_link(session, imported["asha"].id, now=issued)
    session.commit()

    response = claim(make_client(), path.rsplit("/", 1)[1])

    assert response.status_code == 422
    assert response.get_json()["errors"]["token"] == [account_tokens.INVALID_LINK]


def test_resending_makes_a_new_link_and_the_old_one_stops_working(
    app, session, make_client, coordinator, imported, smtp_server
):
    client = make_client(coordinator)
    asha = imported["asha"]
    invite(client, supplier_ids=[asha.id])
    send_outbox(app)
    first = smtp_server.link("accounts@asha.test", CLAIM_LINK)

    resent = client.post(f"/api/suppliers/{asha.id}/invitation")
    send_outbox(app)
    second = smtp_server.link("accounts@asha.test", CLAIM_LINK)

    assert resent.status_code == 200 and resent.get_json()["times_invited"] == 2
    assert first != second
    assert claim(make_client(), first).status_code == 422
    assert claim(make_client(), second).status_code == 201


def test_an_address_the_mail_server_refuses_shows_as_bounced_until_resent(
    app, session, make_client, coordinator, imported, smtp_server
):
    client = make_client(coordinator)
    bhavani = imported["bhavani"]
    invite(client, supplier_ids=[bhavani.id])

    output = send_outbox(app)

    assert "E-mails sent: 0, failed: 1." in output
    line = client.get(f"/api/suppliers/{bhavani.id}/invitation").get_json()
    assert line["status"] == "bounced" and "550" in line["bounce_reason"]
    session.expire_all()
    failed = session.exec(select(Notification).where(Notification.supplier_id == bhavani.id)).one()
    assert failed.email_attempts == MAX_EMAIL_ATTEMPTS  # a permanent refusal is not retried
    listed = client.get("/api/supplier-invitations?status=bounced").get_json()
    assert [entry["supplier_id"] for entry in listed] == [bhavani.id]

    assert client.post(f"/api/suppliers/{bhavani.id}/invitation").get_json()["status"] == "invited"


def test_all_uninvited_invites_each_supplier_with_an_email_once(
    session, make_client, coordinator, imported
):
    other_cluster = factories.make_supplier(
        session,
        cluster=factories.make_cluster(session),
        legal_name="Elsewhere Tools",
        email="elsewhere@tools.test",
    )
    session.commit()
    client = make_client(coordinator)
    invite(client, supplier_ids=[imported["asha"].id])

    response = invite(client, all_uninvited=True)

    assert response.status_code == 200
    assert response.get_json()["invited"] == [imported["bhavani"].id]
    assert invite(client, all_uninvited=True).get_json()["invited"] == []
    invited = set(session.exec(select(SupplierInvitation.supplier_id)).all())
    assert invited == {imported["asha"].id, imported["bhavani"].id}
    assert other_cluster.id not in invited


def test_a_selection_names_what_it_skipped(session, make_client, coordinator, imported):
    response = invite(
        make_client(coordinator), supplier_ids=[imported["silent"].id, imported["asha"].id]
    )

    assert response.get_json() == {
        "invited": [imported["asha"].id],
        "skipped": [{"supplier_id": imported["silent"].id, "reason": "no_email"}],
    }


def test_a_supplier_of_another_cluster_refuses_the_whole_selection(
    session, make_client, coordinator, imported
):
    stranger = factories.make_supplier(
        session, cluster=factories.make_cluster(session), email="x@elsewhere.test"
    )
    session.commit()

    response = invite(make_client(coordinator), supplier_ids=[imported["asha"].id, stranger.id])

    assert response.status_code == 422
    assert str(stranger.id) in response.get_json()["errors"]["supplier_ids"][0]
    assert session.exec(select(SupplierInvitation)).all() == []
    assert session.exec(select(Notification)).all() == []


def test_bad_invitation_requests_name_the_field(make_client, coordinator, imported):
    client = make_client(coordinator)

    cases = [
        ({}, "supplier_ids"),
        ({"supplier_ids": []}, "supplier_ids"),
        ({"supplier_ids": [imported["asha"].id], "all_uninvited": True}, "supplier_ids"),
        ({"supplier_ids": [imported["asha"].id], "import_id": 3}, "import_id"),
        ({"supplier_ids": ["one"]}, "supplier_ids"),
        ({"all_uninvited": True, "import_id": 2**31 - 1}, "import_id"),
    ]
    for body, field in cases:
        response = invite(client, **body)
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"], (body, response.get_json())


def test_a_profile_without_an_email_cannot_be_invited_alone(make_client, coordinator, imported):
    response = make_client(coordinator).post(f"/api/suppliers/{imported['silent'].id}/invitation")

    assert response.status_code == 422 and "email" in response.get_json()["errors"]


def test_the_import_report_lists_its_suppliers_and_invites_the_uninvited(
    session, make_client, coordinator, cluster
):
    client = make_client(coordinator)
    upload = (
        "supplier_ref,name,email\n"
        "IMP-1,Utkal Magnet Tools,works@utkal.test\n"
        "IMP-2,Kalinga Coatings,office@kalinga.test\n"
    )
    posted = client.post(
        "/suppliers/import",
        data={"file": (io.BytesIO(upload.encode()), "cluster.csv")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302
    # The import's job page, which sends a finished import on to its report.
    report_path = client.get(posted.headers["Location"]).headers["Location"]
    import_id = int(report_path.rsplit("/", 1)[1])
    earlier = factories.make_supplier(session, cluster=cluster, email="old@earlier.test")
    session.commit()

    report = client.get(report_path).get_data(as_text=True)
    assert "Utkal Magnet Tools" in report and "not invited" in report

    invited = client.post(
        "/suppliers/invitations",
        data={"all_uninvited": "1", "import_id": str(import_id), "next": report_path},
    )

    assert invited.status_code == 302 and invited.headers["Location"] == report_path
    names = set(
        session.exec(
            select(Supplier.legal_name).join(
                SupplierInvitation, SupplierInvitation.supplier_id == Supplier.id
            )
        ).all()
    )
    assert names == {"Utkal Magnet Tools", "Kalinga Coatings"}
    assert earlier.id not in set(session.exec(select(SupplierInvitation.supplier_id)).all())
    assert "invited" in client.get(report_path).get_data(as_text=True)


def test_the_onboarding_page_invites_the_ticked_suppliers(
    session, make_client, coordinator, imported
):
    client = make_client(coordinator)
    page = client.get("/suppliers/onboarding").get_data(as_text=True)
    assert "Asha Precision Works" in page and "Invite all uninvited suppliers" in page

    posted = client.post(
        "/suppliers/invitations",
        data={"supplier_ids": [str(imported["asha"].id), str(imported["bhavani"].id)]},
    )

    assert posted.status_code == 302
    assert len(session.exec(select(SupplierInvitation)).all()) == 2
    flashed = client.get("/suppliers/onboarding?status=invited").get_data(as_text=True)
    assert "2 invitations queued." in flashed and "Bhavani Graphite Products" in flashed
