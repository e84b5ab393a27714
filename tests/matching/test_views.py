"""The ranked-suppliers page: what the buyer and the coordinator see and can do."""

import pytest

from suppliermatch.access import actor_for_user
from suppliermatch.requirements import invitations
from tests import factories


@pytest.fixture
def scene(session, world):
    return factories.make_matching_scene(session, world)


@pytest.fixture
def anchor(make_client, world):
    return make_client(world["anchor_x"])


def page_url(scene) -> str:
    return f"/requirements/{scene['requirement'].id}/matches"


def test_the_buyer_sees_ranked_suppliers_with_reasons_badges_and_actions(anchor, scene):
    response = anchor.get(page_url(scene))
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert page.index("Kaveri Platers Pvt Ltd") < page.index("Deccan Zinc Coaters")
    assert "Fully qualified" in page and "Related process: zinc plating" in page
    assert "holds ISO 9001" in page
    assert "<meter" in page and "more reasons and the score breakdown" in page
    assert page.count(">Shortlist</button>") == 2 and page.count(">Invite to quote</button>") == 2
    # Left out, with what each lacks.
    left_out = page[page.index("Close, but left out") :]
    assert "Hosur Electroplaters" in left_out and "expired" in left_out
    assert "Tiny Finishers" in left_out and "below half" in left_out
    assert "Precision Turners" not in page


def test_the_coordinator_sees_the_same_ranking_without_the_buyers_buttons(
    make_client, world, anchor, scene
):
    page = make_client(world["coordinator_1"]).get(page_url(scene)).get_data(as_text=True)
    assert page.index("Kaveri Platers Pvt Ltd") < page.index("Deccan Zinc Coaters")
    assert "Invite to quote" not in page and ">Shortlist</button>" not in page
    assert "the buyer shortlists and invites" in page


def test_inviting_from_the_page_goes_through_the_invitation_service(session, world, anchor, scene):
    plater = scene["plater"]
    response = anchor.post(page_url(scene) + "/invite", data={"supplier_id": plater.id})
    assert response.status_code == 302

    invited = invitations.invitations_for(
        session,
        actor=actor_for_user(session, world["anchor_x"]),
        requirement_id=scene["requirement"].id,
    )
    assert [i["supplier_id"] for i in invited] == [plater.id]
    page = anchor.get(page_url(scene)).get_data(as_text=True)
    card = page[page.index(f'id="supplier-{plater.id}"') :]
    card = card[: card.index("</article>")]
    assert "Invited" in card and "Invite to quote" not in card


def test_shortlisting_from_the_page_and_taking_off_again(anchor, scene):
    plater = scene["plater"].id
    assert (
        anchor.post(page_url(scene) + "/shortlist", data={"supplier_id": plater}).status_code == 302
    )
    page = anchor.get(page_url(scene)).get_data(as_text=True)
    assert "Remove from shortlist" in page and ">Shortlisted<" in page

    removed = anchor.post(page_url(scene) + f"/shortlist/{plater}/remove", data={"page": "1"})
    assert removed.status_code == 302
    assert "Remove from shortlist" not in anchor.get(page_url(scene)).get_data(as_text=True)


def test_weights_form_refuses_out_of_range_values_and_saves_good_ones(anchor, scene):
    version = scene["requirement"].version
    refused = anchor.post(page_url(scene) + "/weights", data={"version": version, "distance": "7"})
    assert refused.status_code == 422
    assert "must be between 0 and 1" in refused.get_data(as_text=True)

    saved = anchor.post(page_url(scene) + "/weights", data={"version": version, "distance": "0.1"})
    assert saved.status_code == 302
    page = anchor.get(page_url(scene)).get_data(as_text=True)
    assert 'value="0.1"' in page
    assert "can rank above one meeting more" in page


def test_the_requirement_page_links_to_the_ranking_for_buyer_and_coordinator(
    make_client, world, anchor, scene
):
    detail = f"/requirements/{scene['requirement'].id}"
    assert page_url(scene) in anchor.get(detail).get_data(as_text=True)
    coordinator_page = make_client(world["coordinator_1"]).get(detail).get_data(as_text=True)
    assert page_url(scene) in coordinator_page


def test_page_forms_without_the_csrf_token_are_refused(anchor, scene):
    anchor.csrf = False
    response = anchor.post(page_url(scene) + "/shortlist", data={"supplier_id": scene["plater"].id})
    assert response.status_code == 400
