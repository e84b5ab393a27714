"""The admin's pages for users, organisations and clusters: each change shows on the page,
lands in the audit trail, and refuses bad input naming the field. (Who may use them at all:
tests/security/inventory.py's ADMIN_ROUTES.)"""

import pytest
from sqlmodel import select

from suppliermatch.accounts.models import Cluster, Organisation, User
from suppliermatch.audit.models import AuditEvent
from suppliermatch.suppliers.models import Supplier
from tests import factories
from tests.pages import page_text


@pytest.fixture
def admin(make_client, world):
    return make_client(world["admin"])


def _events(session, action: str) -> list[AuditEvent]:
    session.expire_all()
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_admin_adds_a_user_to_a_firm_and_the_trail_says_so(session, admin, world):
    firm = session.get(Organisation, world["anchor_x"].organisation_id)
    added = admin.post(
        "/admin/users",
        data={
            "email": "Ritu.Buyer@Example.in",
            "full_name": "Ritu Buyer",
            "role": "member",
            "organisation_id": str(firm.id),
        },
        follow_redirects=True,
    )
    shown = page_text(added)
    assert "Account created for ritu.buyer@example.in" in shown
    assert f"Ritu Buyer ritu.buyer@example.in {firm.name} Anchor firm" in shown
    assert "Added the user: member ritu.buyer@example.in" in shown
    user = session.exec(select(User).where(User.email == "ritu.buyer@example.in")).one()
    # An admin vouches for the firm's new user: no vetting to wait for.
    assert user.vetting == "approved" and user.organisation_id == firm.id
    assert _events(session, "user_created")[0].actor_user_id == world["admin"].id


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"email": "not-an-address", "full_name": "Ritu", "role": "member"}, "E-mail: "),
        ({"email": "r@example.in", "full_name": "Ritu", "role": "boss"}, "Role: Must be one of"),
        (
            {"email": "r@example.in", "full_name": "Ritu", "role": "member"},
            "Organisation: Choose the user's organisation.",
        ),
        (
            {"email": "r@example.in", "full_name": "Ritu", "role": "admin", "organisation_id": "1"},
            "Organisation: A platform admin belongs to no organisation",
        ),
    ],
)
def test_a_refused_user_names_the_field(session, admin, form, says):
    refused = admin.post("/admin/users", data=form)
    assert refused.status_code == 422
    assert says in page_text(refused)
    assert _events(session, "user_created") == []


def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(session, make_client, admin, world):
    msme = make_client(world["msme_a"])
    assert msme.get("/certificates").status_code == 200
    user_id = world["msme_a"].id
    done = admin.post(f"/admin/users/{user_id}/active", data={"active": "false"})
    assert done.status_code == 302
    shown = page_text(admin.get("/admin/users"))
    assert f"{world['msme_a'].full_name} is deactivated." in shown
    assert "Deactivated the user" in shown
    assert msme.get("/certificates").status_code == 302  # to the sign-in page
    signing_in = make_client().post(
        "/api/auth/login", json={"email": world["msme_a"].email, "password": factories.PASSWORD}
    )
    assert signing_in.status_code == 401

    admin.post(f"/admin/users/{user_id}/active", data={"active": "true"})
    assert make_client(world["msme_a"]).get("/certificates").status_code == 200
    assert len(_events(session, "user_reactivated")) == 1


def test_the_admin_cannot_lock_itself_out(admin, world):
    me = world["admin"].id
    itself = admin.post(f"/admin/users/{me}/active", data={"active": "false"})
    assert itself.status_code == 409
    assert "Active: You cannot deactivate your own account." in page_text(itself)
    demoted = admin.post(f"/admin/users/{me}/role", data={"role": "member"})
    assert demoted.status_code == 409
    assert "give up your own admin role" in page_text(demoted)
    assert admin.get("/admin/users").status_code == 200


def test_the_admin_changes_a_role_and_the_user_signs_in_again(session, make_client, admin, world):
    anchor = make_client(world["anchor_x"])
    changed = admin.post(
        f"/admin/users/{world['anchor_x'].id}/role", data={"role": "member"}, follow_redirects=True
    )
    assert f"{world['anchor_x'].full_name}: role now Member." in page_text(changed)
    assert "Changed the role: owner → member" in page_text(changed)
    session.expire_all()
    assert session.get(User, world["anchor_x"].id).role == "member"
    assert anchor.get("/requirements").status_code == 302  # its session ended
    bad = admin.post(f"/admin/users/{world['anchor_x'].id}/role", data={"role": "king"})
    assert bad.status_code == 422 and "Role: Must be one of" in page_text(bad)


def test_the_admin_adds_an_msme_and_deactivates_a_firms_users(session, admin, world):
    added = admin.post(
        "/admin/organisations",
        data={"kind": "msme", "name": "Chilika Tool Room", "cluster_id": world["cluster_1"].id},
        follow_redirects=True,
    )
    assert "Chilika Tool Room created" in page_text(added)
    organisation = session.exec(
        select(Organisation).where(Organisation.name == "Chilika Tool Room")
    ).one()
    # An MSME comes with the supplier profile its first user fills in.
    assert session.exec(select(Supplier).where(Supplier.organisation_id == organisation.id)).one()

    firm = world["anchor_x"].organisation_id
    off = admin.post(
        f"/admin/organisations/{firm}/active", data={"active": "false"}, follow_redirects=True
    )
    assert "1 user(s) deactivated." in page_text(off)
    session.expire_all()
    assert session.get(User, world["anchor_x"].id).is_active is False
    assert [e.entity_id for e in _events(session, "organisation_deactivated")] == [firm]

    refused = page_text(admin.post("/admin/organisations", data={"kind": "guild", "name": "X"}))
    assert "Kind: Must be one of: msme, anchor, cluster_office." in refused
    assert "Name: Length must be between 2 and 200." in refused
    assert "Cluster: Missing data for required field." in refused


def test_the_admin_adds_a_cluster_once(session, admin):
    form = {"slug": "bhadrak", "name": "Bhadrak REPM cluster", "state": "Odisha"}
    added = admin.post("/admin/clusters", data=form, follow_redirects=True)
    assert "Bhadrak REPM cluster created." in page_text(added)
    assert "Bhadrak REPM cluster bhadrak Odisha 0" in page_text(added)
    assert session.exec(select(Cluster).where(Cluster.slug == "bhadrak")).one()
    again = admin.post("/admin/clusters", data=form)
    assert again.status_code == 409
    assert "Slug: A cluster with the slug 'bhadrak' exists already." in page_text(again)
    bad = admin.post("/admin/clusters", data={**form, "slug": "Bhadrak Town"})
    assert bad.status_code == 422 and "Slug: Use lower-case letters" in page_text(bad)
    assert len(_events(session, "cluster_created")) == 1
