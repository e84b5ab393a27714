"""Anchor vetting: a signed-up anchor sees only the public directory until its cluster
coordinator approves it; the coordinator's queue, the decision, its audit line and the
notification that tells the anchor."""

import pytest
from sqlmodel import select

from suppliermatch.accounts import service as accounts
from suppliermatch.accounts.models import Organisation, OrganisationKind, User
from suppliermatch.audit.models import AuditEvent
from suppliermatch.extensions import db
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.seeding import demo
from tests import factories
from tests.pages import page_text

GSTIN = "21AABCK1234F1ZB"
# What the directory never shows, and an unvetted anchor must not read.
PRIVATE_FIELDS = ("gstin", "pan", "phone", "email", "turnover_inr", "investment_inr")
WAITING = "waiting for the cluster coordinator's approval"


@pytest.fixture
def supplier(session, world):
    supplier = factories.make_supplier(
        session,
        cluster=world["cluster_1"],
        legal_name="Asha Precision Works",
        gstin=GSTIN,
        phone="+91 680 222 3344",
        email="accounts@asha.example",
        turnover_inr=73_519_864,
        investment_inr=14_862_973,
    )
    session.commit()
    return supplier


def _anchor_signup(cluster, email: str = "buyer@vikram-magnets.example") -> dict:
    return {
        "account_type": "anchor",
        "organisation_name": "Vikram Magnets",
        "cluster": cluster.slug,
        "full_name": "Vikram Rao",
        "email": email,
        "password": "sintered magnets need boats",
    }


def _sign_up_anchor(client, cluster, email="buyer@vikram-magnets.example", *, verified=True):
    """Sign up an anchor; ``verified``: it has followed the e-mailed link since (approval
    waits for that; see test_an_unverified_anchor_cannot_be_approved_until_it_verifies)."""
    response = client.post("/api/auth/signup", json=_anchor_signup(cluster, email))
    assert response.status_code == 201, response.get_json()
    if verified:
        user = db.session.get(User, response.get_json()["id"])
        user.email_verified_at = utcnow()
        db.session.commit()
    return response.get_json()


def _user(session, user_id) -> User:
    session.expire_all()
    return session.get(User, user_id)


# -- what an unvetted anchor sees -----------------------------------------------------------


def test_a_signed_up_anchor_waits_and_reads_only_the_public_profile(client, world, supplier):
    me = _sign_up_anchor(client, world["cluster_1"])
    assert (me["kind"], me["vetting"]) == ("unvetted_anchor", "pending")

    whole = client.get(f"/api/suppliers/{supplier.id}")
    assert whole.status_code == 403
    assert WAITING in whole.get_json()["message"]
    assert GSTIN not in whole.get_data(as_text=True)
    assert client.get("/api/suppliers?q=Asha").status_code == 403

    public = client.get(f"/api/suppliers/directory/{supplier.id}")
    assert public.status_code == 200
    assert public.get_json()["legal_name"] == "Asha Precision Works"
    assert not set(PRIVATE_FIELDS) & set(public.get_json())


def test_an_unvetted_anchor_cannot_post_a_requirement_or_see_the_profile_page(
    client, world, supplier
):
    _sign_up_anchor(client, world["cluster_1"])

    posted = client.post("/api/requirements", json={"title": "Boats", "category": "testing"})
    assert posted.status_code == 403
    assert WAITING in posted.get_json()["message"]
    page = client.get(f"/suppliers/{supplier.id}")
    assert page.status_code == 403
    assert GSTIN not in page.get_data(as_text=True)
    assert "waiting for the cluster coordinator" in page.get_data(as_text=True)


def test_an_unvetted_anchor_with_an_api_token_is_refused_too(client, world, supplier):
    _sign_up_anchor(client, world["cluster_1"])
    secret = client.post("/api/tokens", json={"name": "erp"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {secret}"}

    response = client.get(f"/api/suppliers/{supplier.id}", headers=bearer)

    assert response.status_code == 403
    assert GSTIN not in response.get_data(as_text=True)


def test_the_home_page_tells_an_unvetted_anchor_what_it_waits_for(client, world):
    _sign_up_anchor(client, world["cluster_1"])

    page = client.get("/").get_data(as_text=True)

    assert "waiting for the cluster coordinator's approval" in page
    assert "public directory" in page
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert "Directory" in nav and "Requirements" not in nav


def test_the_signup_page_says_an_anchor_waits_for_review(client, world):
    response = client.post(
        "/signup", data=_anchor_signup(world["cluster_1"]), follow_redirects=True
    )

    assert response.status_code == 200
    assert "Your cluster coordinator will review your firm" in response.get_data(as_text=True)


def test_signing_up_tells_the_clusters_coordinator(client, session, world):
    me = _sign_up_anchor(client, world["cluster_1"])

    told = session.exec(select(Notification).where(Notification.kind == "anchor_waiting")).all()
    assert [n.user_id for n in told] == [world["coordinator_1"].id]
    assert "Vikram Magnets" in told[0].subject
    requested = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_id == me["id"], AuditEvent.action == "anchor_vetting_requested"
        )
    ).one()
    assert requested.to_state == "pending"


# -- the coordinator's queue and decision -----------------------------------------------------


def test_the_coordinator_sees_the_waiting_firm_in_the_queue(client, make_client, world):
    me = _sign_up_anchor(client, world["cluster_1"])
    coordinator = make_client(world["coordinator_1"])

    queue = coordinator.get("/api/anchor-vetting")
    assert queue.status_code == 200
    assert [(e["user_id"], e["organisation_name"], e["vetting"]) for e in queue.get_json()] == [
        (me["id"], "Vikram Magnets", "pending")
    ]
    page = page_text(coordinator.get("/anchors/vetting"))
    assert "Vikram Magnets" in page and "buyer@vikram-magnets.example" in page
    assert make_client(world["coordinator_2"]).get("/api/anchor-vetting").get_json() == []


def test_approval_opens_the_full_profile_and_is_audited_and_told(
    client, make_client, session, world, supplier
):
    me = _sign_up_anchor(client, world["cluster_1"])
    coordinator = make_client(world["coordinator_1"])

    decided = coordinator.post(f"/api/anchor-vetting/{me['id']}", json={"decision": "approve"})

    assert decided.status_code == 200, decided.get_json()
    assert decided.get_json()["vetting"] == "approved"
    whole = client.get(f"/api/suppliers/{supplier.id}")
    assert whole.status_code == 200
    assert (whole.get_json()["gstin"], whole.get_json()["turnover_inr"]) == (GSTIN, 73_519_864)
    assert client.get("/api/auth/me").get_json()["kind"] == "anchor"
    line = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_id == me["id"], AuditEvent.action == "anchor_vetting_approved"
        )
    ).one()
    assert (line.entity_type, line.from_state, line.to_state) == ("user", "pending", "approved")
    assert line.actor_user_id == world["coordinator_1"].id
    inbox = client.get("/api/notifications").get_json()
    assert [n["subject"] for n in inbox] == ["Vikram Magnets is approved on SupplierMatch"]
    assert coordinator.get("/api/anchor-vetting").get_json() == []


def test_a_rejection_needs_a_reason_which_the_anchor_is_told(
    client, make_client, session, world, supplier
):
    me = _sign_up_anchor(client, world["cluster_1"])
    coordinator = make_client(world["coordinator_1"])

    unexplained = coordinator.post(f"/api/anchor-vetting/{me['id']}", json={"decision": "reject"})
    assert unexplained.status_code == 422
    assert "reason" in unexplained.get_json()["errors"]
    rejected = coordinator.post(
        f"/api/anchor-vetting/{me['id']}",
        json={"decision": "reject", "reason": "No magnet plant at the address given."},
    )

    assert rejected.status_code == 200
    assert rejected.get_json()["vetting"] == "rejected"
    assert client.get(f"/api/suppliers/{supplier.id}").status_code == 403
    inbox = client.get("/api/notifications").get_json()
    assert "No magnet plant at the address given." in inbox[0]["body"]
    line = session.exec(
        select(AuditEvent).where(AuditEvent.action == "anchor_vetting_rejected")
    ).one()
    assert line.note == "No magnet plant at the address given."
    assert "did not approve" in client.get("/").get_data(as_text=True)


def test_an_approved_account_cannot_be_decided_again(client, make_client, world):
    me = _sign_up_anchor(client, world["cluster_1"])
    coordinator = make_client(world["coordinator_1"])
    coordinator.post(f"/api/anchor-vetting/{me['id']}", json={"decision": "approve"})

    for decision in ({"decision": "reject", "reason": "Second thoughts"}, {"decision": "approve"}):
        again = coordinator.post(f"/api/anchor-vetting/{me['id']}", json=decision)
        assert again.status_code == 409
        assert "approved already" in again.get_json()["message"]


def test_a_rejected_firm_may_be_approved_after_all_but_not_rejected_twice(
    client, make_client, session, world, supplier
):
    me = _sign_up_anchor(client, world["cluster_1"])
    coordinator = make_client(world["coordinator_1"])
    url = f"/api/anchor-vetting/{me['id']}"
    coordinator.post(url, json={"decision": "reject", "reason": "Unknown firm"})

    twice = coordinator.post(url, json={"decision": "reject", "reason": "Still unknown"})
    assert twice.status_code == 409
    rejected = coordinator.get("/api/anchor-vetting?state=rejected").get_json()
    assert [e["user_id"] for e in rejected] == [me["id"]]
    approved = coordinator.post(url, json={"decision": "approve", "reason": "Plant visited"})

    assert approved.status_code == 200
    assert client.get(f"/api/suppliers/{supplier.id}").status_code == 200
    trail = session.exec(
        select(AuditEvent.from_state, AuditEvent.to_state)
        .where(AuditEvent.entity_id == me["id"], AuditEvent.action.like("anchor_vetting_%"))
        .order_by(AuditEvent.id)
    ).all()
    assert trail == [(None, "pending"), ("pending", "rejected"), ("rejected", "approved")]


def test_only_the_firms_own_coordinator_decides(client, make_client, world):
    me = _sign_up_anchor(client, world["cluster_1"])
    approve = {"decision": "approve"}

    other = make_client(world["coordinator_2"]).post(
        f"/api/anchor-vetting/{me['id']}", json=approve
    )
    assert other.status_code == 404
    anchor = make_client(world["anchor_x"]).post(f"/api/anchor-vetting/{me['id']}", json=approve)
    assert anchor.status_code == 403
    admin = make_client(world["admin"]).post(f"/api/anchor-vetting/{me['id']}", json=approve)
    assert admin.status_code == 200


def test_only_anchor_users_are_in_the_queue(make_client, world):
    msme_user = world["msme_a"]
    coordinator = make_client(world["coordinator_1"])

    response = coordinator.post(f"/api/anchor-vetting/{msme_user.id}", json={"decision": "approve"})

    assert response.status_code == 404


def test_the_queue_page_approves_and_rejects(client, make_client, world):
    first = _sign_up_anchor(client, world["cluster_1"])
    second = _sign_up_anchor(
        make_client(), world["cluster_1"], email="buyer2@vikram-magnets.example"
    )
    coordinator = make_client(world["coordinator_1"])

    approved = coordinator.post(
        f"/anchors/vetting/{first['id']}", data={"decision": "approve"}, follow_redirects=True
    )
    assert approved.status_code == 200
    assert "Vikram Magnets (buyer@vikram-magnets.example) approved." in approved.get_data(
        as_text=True
    )
    unexplained = coordinator.post(f"/anchors/vetting/{second['id']}", data={"decision": "reject"})
    assert unexplained.status_code == 422
    assert "Say why the firm is not approved." in unexplained.get_data(as_text=True)
    rejected = coordinator.post(
        f"/anchors/vetting/{second['id']}",
        data={"decision": "reject", "reason": "Unknown firm"},
        follow_redirects=True,
    )
    page = rejected.get_data(as_text=True)
    assert "not approved." in page
    assert "Nobody is waiting." in page
    assert "Not approved (1)" in page
    reconsidered = coordinator.post(
        f"/anchors/vetting/{second['id']}", data={"decision": "approve"}, follow_redirects=True
    )
    assert "(buyer2@vikram-magnets.example) approved." in reconsidered.get_data(as_text=True)


# -- who starts vetted -------------------------------------------------------------------------


def _colleague(session, firm, **kwargs) -> User:
    return accounts.create_user(
        session,
        email=factories.unique("colleague") + "@example.test",
        password=factories.PASSWORD,
        full_name="A Colleague",
        organisation=firm,
        **kwargs,
    )


def test_a_new_user_of_an_anchor_firm_waits_unless_its_approved_owner_adds_them(session, world):
    owner = world["anchor_x"]
    firm = session.get(Organisation, owner.organisation_id)

    assert _colleague(session, firm).vetting == "pending"
    assert _colleague(session, firm, added_by=owner).vetting == "approved"
    assert _colleague(session, firm, added_by=world["admin"]).vetting == "approved"
    # Someone else's owner, or an owner still waiting, vouches for nobody here.
    assert _colleague(session, firm, added_by=world["anchor_y"]).vetting == "pending"
    waiting_firm = factories.make_organisation(
        session, kind=OrganisationKind.ANCHOR, cluster=world["cluster_1"]
    )
    waiting_owner = factories.make_user(
        session, kind="anchor", organisation=waiting_firm, vetted=False
    )
    assert _colleague(session, waiting_firm, added_by=waiting_owner).vetting == "pending"


def test_users_outside_anchor_firms_have_no_vetting(world):
    assert {world[role].vetting for role in ("msme_a", "coordinator_1", "admin")} == {None}


def test_the_demo_anchor_firms_are_approved_but_one_that_waits(session):
    demo._load_clusters(session)
    demo._load_users(session)

    anchors = dict(
        session.exec(
            select(User.email, User.vetting)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(Organisation.kind == OrganisationKind.ANCHOR)
        ).all()
    )
    # One firm has just signed up in Ganjam, so that the coordinator's queue shows work.
    assert anchors.pop("buyer@mahanadi-alloys.demo.in") == "pending"
    assert anchors and set(anchors.values()) == {"approved"}


def test_an_unverified_anchor_cannot_be_approved_until_it_verifies(client, make_client, world):
    me = _sign_up_anchor(client, world["cluster_1"], verified=False)
    coordinator = make_client(world["coordinator_1"])

    queue = coordinator.get("/api/anchor-vetting").get_json()
    assert [(a["user_id"], a["email_verified"]) for a in queue] == [(me["id"], False)]
    refused = coordinator.post(f"/api/anchor-vetting/{me['id']}", json={"decision": "approve"})
    assert refused.status_code == 409
    assert "not verified the e-mail address" in refused.get_json()["message"]
    assert "(not verified yet)" in coordinator.get("/anchors/vetting").get_data(as_text=True)
    # Rejecting needs no proof of the address.
    rejected = coordinator.post(
        f"/api/anchor-vetting/{me['id']}", json={"decision": "reject", "reason": "Unknown firm"}
    )
    assert rejected.status_code == 200
