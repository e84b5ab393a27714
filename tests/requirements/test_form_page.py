"""The requirement form as an anchor meets it: certificates as checkboxes, a line added
without script, the plant placed by a town or a PIN code (never typed degrees), the
processes of the chosen category, and errors in words."""

import re

import pytest
from sqlmodel import func, select

from suppliermatch.access import actor_for_user
from suppliermatch.requirements import service
from suppliermatch.requirements.models import Requirement
from suppliermatch.requirements.service import line_items
from tests.pages import page_text
from tests.requirements.test_pages import _requirement_form


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Requirement)).one()


def _created(session, title="Hysteresisgraph testing of N52 samples") -> Requirement:
    session.expire_all()
    return session.exec(select(Requirement).where(Requirement.title == title)).one()


def test_the_form_offers_checkboxes_a_town_picker_and_marks_what_is_needed(make_client, cast):
    html = make_client(cast["anchor_x"]).get("/requirements/new").get_data(as_text=True)
    assert "multiple" not in html  # no Ctrl-click lists
    assert 'type="checkbox" name="required_certs" value="ISO9001"' in html
    assert 'type="checkbox" name="preferred_certs" value="ZED_GOLD"' in html
    assert 'name="plant_lat"' not in html and 'name="plant_lon"' not in html
    assert '<option value="761020" >Chhatrapur, Ganjam (761020)</option>' in html
    assert re.search(r'name="title"[^>]*required', html)
    text = page_text(html)
    assert "Quote deadline (IST)" in text and "Needed to publish" in text
    assert "at least one is needed to publish" in text
    assert "Add a line" in text
    # One empty line to fill; "Add a line" gives more.
    assert html.count('name="item"') == 1


def test_add_a_line_without_script_shows_the_form_again_with_one_more_row(
    session, make_client, cast
):
    before = _count(session)
    again = make_client(cast["anchor_x"]).post(
        "/requirements/new", data=_requirement_form(add_line="1")
    )
    assert again.status_code == 200
    html = again.get_data(as_text=True)
    # The filled row kept, the empty one posted, and one more.
    assert html.count('name="item"') == 3
    assert 'value="Sample test report"' in html
    assert 'value="NABL17025" checked' in html
    assert "Draft saved" not in page_text(html)
    assert _count(session) == before


def test_a_town_places_the_plant_from_the_pin_code_directory(session, make_client, cast):
    form = _requirement_form(plant_pincode="", plant_place="761020")
    anchor = make_client(cast["anchor_x"])
    created = anchor.post("/requirements/new", data=form)
    assert created.status_code == 302
    requirement = _created(session)
    shown = page_text(anchor.get(f"/requirements/{requirement.id}"))
    assert "Plant (Chhatrapur, Ganjam, PIN 761020)" in shown
    assert requirement.plant_pincode == "761020"
    assert requirement.plant_lat == pytest.approx(19.36, abs=0.01)
    assert requirement.plant_lon == pytest.approx(84.99, abs=0.01)


def test_a_town_and_another_pin_code_are_refused_in_words(session, make_client, cast):
    before = _count(session)
    refused = make_client(cast["anchor_x"]).post(
        "/requirements/new", data=_requirement_form(plant_place="761020", plant_pincode="560001")
    )
    assert refused.status_code == 422
    assert (
        "You chose Chhatrapur, Ganjam (PIN 761020) and typed PIN code 560001: keep one of them."
        in page_text(refused)
    )
    assert _count(session) == before


def test_a_process_outside_the_category_is_refused_in_words(make_client, cast):
    refused = make_client(cast["anchor_x"]).post(
        "/requirements/new", data=_requirement_form(category="testing", process="grinding")
    )
    assert refused.status_code == 422
    text = page_text(refused)
    assert (
        "Surface, centreless and double-disc grinding is not a Testing & inspection process "
        "(it is CNC machining & grinding); choose a Testing & inspection process, or the "
        "category CNC machining & grinding." in text
    )
    assert "'grinding'" not in text and "'testing'" not in text
    # The process list says which category each process belongs to (the script hides the rest).
    assert 'data-category="testing"' in refused.get_data(as_text=True)


def test_a_line_with_a_missing_cell_is_named_in_words(make_client, cast):
    refused = make_client(cast["anchor_x"]).post(
        "/requirements/new", data=_requirement_form(quantity=["", ""])
    )
    assert refused.status_code == 422
    assert "Line 1, quantity: fill it in, or empty the whole row" in page_text(refused)


def test_editing_on_the_page_keeps_coordinates_given_by_the_api(session, make_client, cast):
    requirement = service.create_requirement(
        session,
        actor=actor_for_user(session, cast["anchor_x"]),
        data={"title": "Plating of N42 blocks", "plant_lat": 19.3, "plant_lon": 84.9},
    )
    session.commit()
    anchor = make_client(cast["anchor_x"])
    form = anchor.get(f"/requirements/{requirement.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    saved = anchor.post(
        f"/requirements/{requirement.id}/edit",
        data={"title": "Plating of N42 blocks, 20 micron", "version": version},
    )
    assert saved.status_code == 302
    session.expire_all()
    kept = session.get(Requirement, requirement.id)
    assert (kept.plant_lat, kept.plant_lon) == (19.3, 84.9)
    assert kept.title == "Plating of N42 blocks, 20 micron"
    assert line_items(session, requirement.id) == []
