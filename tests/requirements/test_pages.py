"""The pages people use: post and edit, invite, quote and decline, compare, award and rate."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.dates import in_india_time, today_in_india
from suppliermatch.models_base import utcnow
from suppliermatch.requirements.models import Award, Requirement
from suppliermatch.requirements.service import line_items
from tests import factories
from tests.pages import page_text
from tests.requirements.helpers import SENTINEL_BUDGET, pass_deadline


def _requirement_form(**extra) -> dict:
    deadline = in_india_time(utcnow() + timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    return {
        "title": "Hysteresisgraph testing of N52 samples",
        "description": "Br, Hcj and (BH)max at 20 °C for each lot",
        "category": "testing",
        "visibility": "cluster",
        "required_certs": ["NABL17025"],
        "quantity_per_month": "200",
        "plant_pincode": "761008",
        "quote_deadline": deadline,
        "budget_max_inr": "300000",
        "item": ["Sample test report", ""],
        "quantity": ["200", ""],
        "unit": ["samples", ""],
        "spec_reference": ["QP-17", ""],
        **extra,
    }


def test_anchor_posts_and_publishes_through_the_pages(session, make_client, cast):
    anchor = make_client(cast["anchor_x"])
    assert anchor.get("/requirements/new").status_code == 200
    created = anchor.post("/requirements/new", data=_requirement_form())
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    requirement = session.exec(
        select(Requirement).where(Requirement.title.startswith("Hysteresisgraph"))
    ).one()
    assert requirement.required_certs == ["NABL17025"]
    assert [li.spec_reference for li in line_items(session, requirement.id)] == ["QP-17"]
    page = anchor.get(f"/requirements/{requirement.id}").get_data(as_text=True)
    assert "₹3,00,000.00" in page and "Publish" in page

    published = anchor.post(
        f"/requirements/{requirement.id}/publish", data={"version": requirement.version}
    )
    assert published.status_code == 302
    listing = anchor.get("/requirements").get_data(as_text=True)
    assert "Hysteresisgraph testing of N52 samples" in listing and "published" in listing


def test_form_errors_are_shown_next_to_the_inputs(make_client, cast):
    anchor = make_client(cast["anchor_x"])
    response = anchor.post(
        "/requirements/new",
        data=_requirement_form(title="", plant_pincode="12", quantity=["-4", ""]),
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "PIN code must be 6 digits" in page
    assert "Line 1, quantity: Must be greater than 0" in page_text(page)
    assert 'value="Hysteresisgraph' not in page  # the empty title stayed empty


def test_stale_edit_form_is_refused_with_409(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    form = anchor.get(f"/requirements/{rfq.id}/edit")
    assert form.status_code == 200
    data = _requirement_form(title="Graphite boats, amended", version=str(rfq.version))
    assert anchor.post(f"/requirements/{rfq.id}/edit", data=data).status_code == 302
    stale = anchor.post(f"/requirements/{rfq.id}/edit", data={**data, "title": "Older"})
    assert stale.status_code == 409
    assert "Someone else changed this requirement" in stale.get_data(as_text=True)


def test_supplier_quotes_revises_and_sees_only_its_own_page(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    listing = supplier.get("/rfqs").get_data(as_text=True)
    assert rfq.title in listing and "invited" in listing
    page = supplier.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert "Submit quote" in page and str(SENTINEL_BUDGET) not in page
    items = [li.id for li in line_items(session, rfq.id)]
    valid_until = (utcnow() + timedelta(days=40)).date().isoformat()
    form = {"lead_time_days": "14", "valid_until": valid_until}
    submitted = supplier.post(
        f"/requirements/{rfq.id}/quote", data={**form, **{f"price_{i}": "111.5" for i in items}}
    )
    assert submitted.status_code == 302, submitted.get_data(as_text=True)[:1500]
    page = supplier.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert "Revise quote" in page and 'value="111.5"' in page

    revised = supplier.post(
        f"/requirements/{rfq.id}/quote",
        data={**form, "version": "1", **{f"price_{i}": "99" for i in items}},
    )
    assert revised.status_code == 302
    stale = supplier.post(
        f"/requirements/{rfq.id}/quote",
        data={**form, "version": "1", **{f"price_{i}": "98" for i in items}},
    )
    assert stale.status_code == 409


def test_quote_form_errors_keep_what_was_typed(session, make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    items = [li.id for li in line_items(session, rfq.id)]
    response = supplier.post(
        f"/requirements/{rfq.id}/quote",
        data={"lead_time_days": "0", "valid_until": "", f"price_{items[0]}": "12.5"},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="12.5"' in page
    assert "Must be greater than or equal to 1" in page


def test_supplier_declines_from_the_page(make_client, cast, rfq):
    supplier = make_client(cast["msme_b"])
    response = supplier.post(f"/requirements/{rfq.id}/decline", data={"reason": "No capacity"})
    assert response.status_code == 302
    page = supplier.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert "You declined" in page and "No capacity" in page
    anchor_page = make_client(cast["anchor_x"]).get(f"/requirements/{rfq.id}")
    assert "No capacity" in anchor_page.get_data(as_text=True)


def test_anchor_invites_by_id_from_the_page(session, make_client, cast):
    from tests import factories

    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    anchor = make_client(cast["anchor_x"])
    bad = anchor.post(f"/requirements/{requirement.id}/invite", data={"supplier_ids": "abc"})
    assert bad.status_code == 422
    ok = anchor.post(
        f"/requirements/{requirement.id}/invite",
        data={"supplier_ids": f"{cast['supplier_a'].id}, {cast['supplier_b'].id}"},
    )
    assert ok.status_code == 302
    page = anchor.get(f"/requirements/{requirement.id}").get_data(as_text=True)
    assert "Asha Precision Works" in page and "Bhavani Graphite Products" in page


def test_anchor_invites_from_the_search_results_and_comes_back_to_them(session, make_client, cast):
    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    anchor = make_client(cast["anchor_x"])
    detail = anchor.get(f"/requirements/{requirement.id}").get_data(as_text=True)
    search_url = f"/suppliers?invite_to={requirement.id}"
    assert f'href="{search_url}"' in detail and "Invite suppliers by id" not in detail

    results = anchor.get(f"{search_url}&sort=name")
    assert f"Choosing suppliers to invite to quote for {requirement.title}" in page_text(results)
    button = f'aria-label="Invite {cast["supplier_a"].legal_name} to quote"'
    assert button in results.get_data(as_text=True)

    invited = anchor.post(
        f"/requirements/{requirement.id}/invite",
        data={"supplier_ids": str(cast["supplier_a"].id), "next": f"{search_url}&sort=name"},
    )
    assert invited.status_code == 302 and invited.headers["Location"].endswith("sort=name")
    again = anchor.get(f"{search_url}&sort=name")
    assert "1 supplier(s) invited." in page_text(again) and "Invited" in page_text(again)
    assert button not in again.get_data(as_text=True)
    # Only same-site paths are followed back.
    away = anchor.post(
        f"/requirements/{requirement.id}/invite",
        data={"supplier_ids": str(cast["supplier_a"].id), "next": "https://evil.example/"},
    )
    assert "evil" not in away.headers["Location"]


@pytest.mark.parametrize(
    ("who", "invite_to", "status"),
    [("anchor_y", "own", 404), ("coordinator_1", "own", 403), ("anchor_x", "abc", 422)],
)
def test_only_the_anchor_chooses_suppliers_for_its_requirement(
    session, make_client, cast, who, invite_to, status
):
    requirement = factories.make_requirement(session, anchor_user=cast["anchor_x"])
    session.commit()
    wanted = requirement.id if invite_to == "own" else invite_to
    response = make_client(cast[who]).get(f"/suppliers?invite_to={wanted}")
    assert response.status_code == status
    if status == 422:
        assert "invite_to must be the id of your requirement." in page_text(response)


def test_compare_award_and_rate_through_the_pages(session, make_client, cast, rfq):
    for user, price in (("msme_a", "100"), ("msme_b", "90")):
        items = [li.id for li in line_items(session, rfq.id)]
        make_client(cast[user]).post(
            f"/requirements/{rfq.id}/quote",
            data={
                "lead_time_days": "10",
                "valid_until": (utcnow() + timedelta(days=40)).date().isoformat(),
                **{f"price_{i}": price for i in items},
            },
        )
    anchor = make_client(cast["anchor_x"])
    sealed = anchor.get(f"/requirements/{rfq.id}/comparison").get_data(as_text=True)
    assert "2 quote(s) received" in sealed and "sealed" in sealed
    assert anchor.get(f"/requirements/{rfq.id}/comparison.csv").status_code == 302

    pass_deadline(session, rfq)
    compared = anchor.get(f"/requirements/{rfq.id}/comparison").get_data(as_text=True)
    # Cheapest first: Bhavani (90 a piece) before Asha (100).
    assert compared.index("Bhavani") < compared.index("Asha")

    award_page = anchor.get(f"/requirements/{rfq.id}/award")
    assert award_page.status_code == 200
    b = cast["supplier_b"].id
    awarded = anchor.post(f"/requirements/{rfq.id}/award", data={f"award_{b}": "1"})
    assert awarded.status_code == 302
    award_id = session.exec(select(Award).where(Award.requirement_id == rfq.id)).one().id

    rate_url = f"/requirements/{rfq.id}/awards/{award_id}/rate"
    assert anchor.get(rate_url).status_code == 200
    refused = anchor.post(rate_url, data={"quality": "5"})
    assert refused.status_code == 422
    rated = anchor.post(
        rate_url,
        data={
            "quality": "5",
            "on_time": "4",
            "communication": "5",
            # The award's day in India: after 18:30 UTC it is already tomorrow there.
            "delivered_on": today_in_india().isoformat(),
        },
    )
    assert rated.status_code == 302
    detail = anchor.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert "quality 5, on time 4, communication 5" in detail
    card = anchor.get(f"/suppliers/{b}/scorecard").get_data(as_text=True)
    assert "Bhavani Graphite Products" in card and "from 1 rating(s)" in card


def test_coordinator_follows_the_clusters_requirements(make_client, cast, rfq):
    coordinator = make_client(cast["coordinator_1"])
    listing = coordinator.get("/requirements/cluster").get_data(as_text=True)
    assert rfq.title in listing
    detail = coordinator.get(f"/requirements/{rfq.id}").get_data(as_text=True)
    assert "Budget" in detail and ">Edit</a>" not in detail and ">Publish</button>" not in detail
    other = make_client(cast["coordinator_2"]).get("/requirements/cluster").get_data(as_text=True)
    assert rfq.title not in other


def test_detail_page_links_ranked_suppliers_once_matching_offers_them(app, make_client, cast, rfq):
    page = make_client(cast["anchor_x"]).get(f"/requirements/{rfq.id}")
    assert page.status_code == 200
    offered = "matching.requirement_matches" in app.view_functions
    assert ("Ranked suppliers for this requirement" in page.get_data(as_text=True)) == offered


def test_the_form_posts_a_requirement_without_a_category(session, make_client, cast):
    anchor = make_client(cast["anchor_x"])
    form = _requirement_form(title="Corrugated cartons for magnet dispatch", category="")
    created = anchor.post("/requirements/new", data=form)
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    requirement = session.exec(
        select(Requirement).where(Requirement.title.startswith("Corrugated cartons"))
    ).one()
    assert requirement.category is None
    page = anchor.get(f"/requirements/{requirement.id}").get_data(as_text=True)
    assert "Not given" in page


def test_the_history_reads_in_words_with_times_in_india_time(session, make_client, cast, rfq):
    anchor = make_client(cast["anchor_x"])
    pass_deadline(session, rfq)
    anchor.get(f"/requirements/{rfq.id}/comparison")

    history = page_text(anchor.get(f"/requirements/{rfq.id}")).split("History", 1)[1]
    assert "Opened the quotes" in history and "quotes_viewed" not in history
    # When (in IST), who, what: the row of the anchor opening the quotes.
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d\d:\d\d IST [^,]{0,80} Opened the quotes", history)


@pytest.mark.parametrize("path", ["/requirements", "/requirements/cluster", "/rfqs"])
def test_the_lists_of_requirements_sort_by_deadline_title_or_newest(
    session, make_client, cast, path
):
    reader = {"/requirements": "anchor_x", "/requirements/cluster": "coordinator_1"}
    client = make_client(cast[reader.get(path, "msme_a")])
    titles = ("Calibration of gaussmeters", "Annealing of blocks", "Boxes for air freight")
    for title, days in zip(titles, (9, 3, 6), strict=True):  # posted in this order
        factories.make_requirement(
            session, anchor_user=cast["anchor_x"], title=title, deadline_in_days=days
        )
    session.commit()

    def order(sort: str) -> list[str]:
        shown = page_text(client.get(f"{path}?sort={sort}"))
        return sorted(titles, key=shown.index)

    assert order("newest") == list(titles[::-1])
    assert order("deadline") == [titles[1], titles[2], titles[0]]
    assert order("title") == sorted(titles)
    assert '<option value="deadline" selected>' in client.get(f"{path}?sort=deadline").get_data(
        as_text=True
    )
    refused = client.get(f"{path}?sort=price")
    assert refused.status_code == 422 and "Sort by one of: newest, deadline, title" in page_text(
        refused
    )


def test_the_supplier_sees_a_requirements_status_in_its_language(make_client, cast, rfq):
    supplier = make_client(cast["msme_a"])
    hindi = {"Accept-Language": "hi"}
    assert "published" in page_text(supplier.get("/rfqs"))
    listing = page_text(supplier.get("/rfqs", headers=hindi))
    assert "प्रकाशित" in listing and "published" not in listing
    page = page_text(supplier.get(f"/requirements/{rfq.id}", headers=hindi))
    assert "प्रकाशित" in page
