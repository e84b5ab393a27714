"""Each role lands on its own start page after signing in or up; anonymous visitors keep
the marketing page. The tests read the page as the user does: which list a requirement
is under, which count a queue shows, and where its link goes."""

import re

import pytest

from suppliermatch.access import actor_for_user
from suppliermatch.accounts.models import Vetting
from suppliermatch.certification.models import SupplierCertificate
from suppliermatch.requirements import service as requirement_service
from suppliermatch.requirements.invitations import invite_suppliers
from suppliermatch.suppliers.models import DuplicateCandidate
from tests import factories
from tests.certification.builders import TODAY
from tests.pages import page_text
from tests.requirements.helpers import pass_deadline, quote_body


def section(html: str, heading_id: str) -> str:
    """The text of the start page's section headed by ``heading_id``."""
    match = re.search(rf'aria-labelledby="{heading_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {heading_id}"
    return match.group(1)


def queue_count(html: str, label: str) -> int:
    match = re.search(rf'<span class="value">(\d+)</span>\s*<span class="label">{label}', html)
    assert match, f"no queue {label}"
    return int(match.group(1))


@pytest.fixture
def suppliers(session, world):
    return {
        name: factories.supplier_profile_for(session, world[name]) for name in ("msme_a", "msme_b")
    }


def _invite(session, anchor, requirement, supplier_ids):
    invite_suppliers(
        session,
        actor=actor_for_user(session, anchor),
        requirement_id=requirement.id,
        supplier_ids=supplier_ids,
    )
    session.commit()


def test_anonymous_visitors_keep_the_marketing_page(client):
    page = client.get("/").get_data(as_text=True)
    assert "Register your enterprise" in page
    assert "Invitations waiting" not in page


def test_signing_in_lands_the_msme_on_its_invitations_and_open_requirements(
    session, world, suppliers, client
):
    anchor = world["anchor_x"]
    invited = factories.make_requirement(session, anchor_user=anchor, title="Graphite boats, lot 7")
    factories.make_requirement(session, anchor_user=anchor, title="Saw blades for slicing")
    factories.make_requirement(session, anchor_user=anchor, publish=False, title="Secret draft")
    _invite(session, anchor, invited, [suppliers["msme_a"].id])

    response = client.post(
        "/login", data={"email": world["msme_a"].email, "password": factories.PASSWORD}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)

    assert "Graphite boats, lot 7" in section(page, "invited-h")
    assert "Saw blades for slicing" in section(page, "open-h")
    assert "Graphite boats, lot 7" not in section(page, "open-h")
    assert "Secret draft" not in page
    # A bare profile: the start page says what to add first.
    gaps = section(page, "gaps-h")
    assert "List at least one capability" in gaps and "Add your PIN code" in gaps


def test_a_quoted_requirement_moves_from_invitations_to_your_quotes(
    session, world, suppliers, make_client
):
    anchor = world["anchor_x"]
    requirement = factories.make_requirement(session, anchor_user=anchor, title="Graphite trays")
    _invite(session, anchor, requirement, [suppliers["msme_a"].id])
    msme = make_client(world["msme_a"])
    quoted = msme.post(
        f"/api/requirements/{requirement.id}/quotes", json=quote_body(session, requirement, 90)
    )
    assert quoted.status_code == 201

    page = msme.get("/").get_data(as_text=True)
    assert "Graphite trays" not in section(page, "invited-h")
    assert "Graphite trays" in section(page, "quotes-h")
    assert "quote submitted" in section(page, "quotes-h")


def test_the_other_clusters_msme_does_not_see_the_requirement(
    session, world, suppliers, make_client
):
    factories.make_requirement(session, anchor_user=world["anchor_x"], title="Cluster one only")
    page = make_client(world["msme_b"]).get("/").get_data(as_text=True)
    assert "Cluster one only" not in page


def test_the_anchor_lands_on_its_requirements_and_quotes_awaiting_it(
    session, world, suppliers, make_client
):
    anchor = world["anchor_x"]
    factories.make_requirement(session, anchor_user=anchor, publish=False, title="Draft trays")
    factories.make_requirement(session, anchor_user=anchor, title="Open boats")
    closed = factories.make_requirement(session, anchor_user=anchor, title="Closed lids")
    _invite(session, anchor, closed, [suppliers["msme_a"].id])
    quoted = make_client(world["msme_a"]).post(
        f"/api/requirements/{closed.id}/quotes", json=quote_body(session, closed, 75)
    )
    assert quoted.status_code == 201
    pass_deadline(session, closed)
    factories.make_requirement(session, anchor_user=world["anchor_y"], title="Other firm's RFQ")

    page = make_client(anchor).get("/").get_data(as_text=True)
    awaiting = section(page, "awaiting-h")
    assert "Closed lids" in awaiting and "1 quote," in awaiting
    assert f"/requirements/{closed.id}" in awaiting
    assert "Open boats" in section(page, "open-h")
    assert "Draft trays" in section(page, "drafts-h")
    assert "Other firm&#39;s RFQ" not in page and "Other firm's RFQ" not in page
    assert 'href="/requirements/new"' in page


def test_the_coordinator_lands_on_its_queues_with_counts_and_links(session, world, make_client):
    cluster = world["cluster_1"]
    factories.make_user(session, kind="anchor", cluster=cluster, vetted=False)
    first = factories.make_supplier(session, cluster=cluster, legal_name="Shree Balaji Works")
    second = factories.make_supplier(session, cluster=cluster, legal_name="Sri Balaji Works")
    session.add(
        DuplicateCandidate(
            supplier_id=first.id, other_supplier_id=second.id, score=0.9, evidence=["name"]
        )
    )
    session.add(
        SupplierCertificate(
            supplier_id=first.id,
            code="ISO9001",
            state="certified",
            expires_on=TODAY.replace(year=TODAY.year + 2),
        )
    )
    session.commit()

    page = make_client(world["coordinator_1"]).get("/").get_data(as_text=True)
    assert queue_count(page, "Certificates to verify") == 1
    assert queue_count(page, "Possible duplicate suppliers") == 1
    assert queue_count(page, "Anchor firms awaiting approval") == 1
    for path in ("/certificates/verification", "/suppliers/duplicates", "/anchors/vetting"):
        assert f'href="{path}"' in page

    other = make_client(world["coordinator_2"]).get("/").get_data(as_text=True)
    assert queue_count(other, "Certificates to verify") == 0
    assert queue_count(other, "Possible duplicate suppliers") == 0
    assert queue_count(other, "Anchor firms awaiting approval") == 0


def test_the_admin_lands_on_users_and_clusters(world, make_client):
    page = make_client(world["admin"]).get("/").get_data(as_text=True)
    users = page_text(section(page, "users-h"))
    assert world["coordinator_2"].email in users
    clusters = section(page, "clusters-h")
    assert world["cluster_1"].name in clusters and world["cluster_2"].name in clusters


def test_an_anchor_awaiting_approval_is_told_it_waits(session, world, make_client):
    waiting = factories.make_user(session, kind="anchor", cluster=world["cluster_1"], vetted=False)
    session.commit()
    assert waiting.vetting == Vetting.PENDING
    page = make_client(waiting).get("/").get_data(as_text=True)
    assert "waiting for the cluster coordinator" in page


def test_signing_up_lands_the_new_msme_on_its_start_page(client, world):
    response = client.post(
        "/signup",
        data={
            "account_type": "msme",
            "organisation_name": "Mahanadi Precision Tools",
            "cluster": world["cluster_1"].slug,
            "full_name": "Anita Sahu",
            "email": "anita@mahanadi.example.test",
            "password": factories.PASSWORD,
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Mahanadi Precision Tools" in page
    assert "Requirements you can quote on" in page
    assert "List at least one capability" in section(page, "gaps-h")


def test_start_page_reuses_requirement_views(session, world):
    """The MSME's lists come from requirement_views: a cancelled RFQ is in none of them."""
    anchor = world["anchor_x"]
    requirement = factories.make_requirement(session, anchor_user=anchor, title="Cancelled one")
    requirement_service.cancel(
        session, actor=actor_for_user(session, anchor), requirement_id=requirement.id, reason="x"
    )
    session.commit()
    from suppliermatch.start.service import msme_start

    start = msme_start(session, actor_for_user(session, world["msme_a"]))
    titles = {v["title"] for v in start.invitations + start.open_to_quote + start.my_quotes}
    assert "Cancelled one" not in titles
