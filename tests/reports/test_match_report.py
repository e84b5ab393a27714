"""A requirement's match report as the anchor and the coordinator read it: the ranking with
its breakdown, the close misses, invitations and sealed quotes, and the coordinator's notes."""

import csv
import io

import pytest

from tests.requirements.helpers import SENTINEL_PRICE, pass_deadline

# The plater's quote: the sentinel unit price on 300 + 100 pieces, in the report's format.
SENTINEL_TOTAL_SHOWN = "39,50,61,728.00"
SENTINEL_PRICE_TEXTS = ("987654", "9,87,654", SENTINEL_TOTAL_SHOWN, "395061728")


@pytest.fixture
def coordinator(make_client, world):
    return make_client(world["coordinator_1"])


@pytest.fixture
def anchor(make_client, world):
    return make_client(world["anchor_x"])


def report_url(scene, suffix=""):
    return f"/requirements/{scene['requirement'].id}/report{suffix}"


def report_json(client, scene):
    response = client.get(f"/api/reports/requirements/{scene['requirement'].id}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def everything_the_anchor_gets(anchor, scene) -> str:
    return "\n".join(
        [
            anchor.get(report_url(scene)).get_data(as_text=True),
            anchor.get(report_url(scene, "/print")).get_data(as_text=True),
            anchor.get(report_url(scene, ".csv")).get_data(as_text=True),
            anchor.get(f"/api/reports/requirements/{scene['requirement'].id}").get_data(
                as_text=True
            ),
        ]
    )


def add_note(client, scene, supplier, **fields):
    return client.post(
        report_url(scene, "/notes"), data={"supplier_id": scene[supplier].id, **fields}
    )


def test_ranked_suppliers_come_with_their_breakdown_and_reasons(coordinator, scene):
    report = report_json(coordinator, scene)

    top = report["ranked"][0]
    assert top["name"] == "Kaveri Platers Pvt Ltd" and top["rank"] == 1
    assert top["qualifies"] is True and report["qualified_total"] == 1
    assert {"preferred_certs", "capacity", "distance"} <= {f["name"] for f in top["factors"]}
    assert any("ISO 9001" in reason for reason in top["reasons"])
    assert report["thin"] is True

    page = coordinator.get(report_url(scene)).get_data(as_text=True)
    assert "Fewer than 3 fully qualified suppliers" in page
    assert "Score breakdown of Kaveri Platers Pvt Ltd" in page


def test_close_suppliers_are_listed_with_what_they_lack(coordinator, scene):
    excluded = {line["name"]: line for line in report_json(coordinator, scene)["excluded"]}

    lapsed = excluded["Hosur Electroplaters"]
    assert any("ISO 9001" in lack and "expired" in lack for lack in lapsed["lacks"])
    assert lapsed["rank"] is None
    assert any("capacity 1,000/month" in lack for lack in excluded["Tiny Finishers"]["lacks"])
    assert "Precision Turners" not in excluded


def test_invitation_and_quote_status_of_each_supplier(coordinator, scene):
    report = report_json(coordinator, scene)
    stages = {
        line["name"]: line["stage"] for part in ("ranked", "excluded") for line in report[part]
    }

    assert stages["Kaveri Platers Pvt Ltd"] == "quote received"
    assert stages["Hosur Electroplaters"] == "invited"
    assert stages["Deccan Zinc Coaters"] == "not invited"
    assert (report["invited"], report["quoted"]) == (2, 1)


def test_quote_prices_stay_sealed_for_the_anchor_until_bidding_ends(session, anchor, scene):
    before = everything_the_anchor_gets(anchor, scene)
    assert not any(text in before for text in SENTINEL_PRICE_TEXTS)
    assert "Quotes are sealed until" in before
    assert report_json(anchor, scene)["quotes_sealed"] is True

    pass_deadline(session, scene["requirement"])

    report = report_json(anchor, scene)
    assert report["quotes_sealed"] is False
    top = report["ranked"][0]
    assert top["quote_total_inr"] == pytest.approx(SENTINEL_PRICE * 400)
    assert SENTINEL_TOTAL_SHOWN in anchor.get(report_url(scene)).get_data(as_text=True)
    (row,) = [r for r in csv_rows(anchor.get(report_url(scene, ".csv"))) if r["quote_total_inr"]]
    assert row["supplier"] == "Kaveri Platers Pvt Ltd"


def test_coordinator_never_sees_quote_prices(session, coordinator, scene):
    pass_deadline(session, scene["requirement"])

    seen = "\n".join(
        [
            coordinator.get(report_url(scene)).get_data(as_text=True),
            coordinator.get(report_url(scene, ".csv")).get_data(as_text=True),
            coordinator.get(f"/api/reports/requirements/{scene['requirement'].id}").get_data(
                as_text=True
            ),
        ]
    )

    assert not any(text in seen for text in SENTINEL_PRICE_TEXTS)
    assert "Quote prices are for the buyer only" in seen


def test_coordinator_notes_are_kept_with_author_and_time_and_hidden_from_the_anchor(
    coordinator, anchor, world, scene
):
    response = add_note(
        coordinator,
        scene,
        "lapsed_plater",
        recommendation="develop",
        text="Recertification audit booked with TUV; check again in March.",
    )
    assert response.status_code == 302

    line = next(
        line
        for line in report_json(coordinator, scene)["excluded"]
        if line["name"] == "Hosur Electroplaters"
    )
    (note,) = line["notes"]
    assert note["author"] == world["coordinator_1"].full_name
    assert note["text"] == "Recertification audit booked with TUV; check again in March."
    assert note["created_at"].endswith("+00:00")
    assert line["recommendation"] == "develop"
    page = coordinator.get(report_url(scene)).get_data(as_text=True)
    assert "Needs development first" in page
    assert "Recertification audit booked" in page

    seen_by_anchor = everything_the_anchor_gets(anchor, scene)
    assert "Recertification audit booked" not in seen_by_anchor
    assert "Needs development first" not in seen_by_anchor
    assert '"notes": [{' not in seen_by_anchor


def test_the_latest_recommendation_counts_and_earlier_notes_stay(coordinator, scene):
    add_note(coordinator, scene, "plater", recommendation="consider", text="Good line.")
    add_note(coordinator, scene, "plater", recommendation="recommended", text="Audit passed.")
    add_note(coordinator, scene, "plater", text="Sample lot due on the 5th.")

    top = report_json(coordinator, scene)["ranked"][0]

    assert top["recommendation"] == "recommended"
    assert [n["text"] for n in top["notes"]] == [
        "Sample lot due on the 5th.",
        "Audit passed.",
        "Good line.",
    ]
    rows = csv_rows(coordinator.get(report_url(scene, ".csv")))
    (plater,) = [r for r in rows if r["supplier"] == "Kaveri Platers Pvt Ltd"]
    assert plater["recommendation"] == "Recommended"
    assert "Audit passed." in plater["notes"] and "Good line." in plater["notes"]


def test_a_note_needs_words_or_a_recommendation(coordinator, scene):
    response = add_note(coordinator, scene, "plater", text="   ")

    assert response.status_code == 422
    assert "Write a note or choose a recommendation." in response.get_data(as_text=True)


def test_a_note_with_an_unknown_recommendation_or_supplier_is_refused(coordinator, scene):
    url = f"/api/reports/requirements/{scene['requirement'].id}/notes"

    bad_advice = coordinator.post(
        url, json={"supplier_id": scene["plater"].id, "recommendation": "maybe"}
    )
    no_supplier = coordinator.post(url, json={"supplier_id": 999_999, "text": "?"})
    foreign_field = coordinator.post(
        url, json={"supplier_id": scene["plater"].id, "text": "x", "author_id": 1}
    )

    assert bad_advice.status_code == 422 and "recommendation" in bad_advice.get_json()["errors"]
    assert no_supplier.status_code == 422 and "supplier_id" in no_supplier.get_json()["errors"]
    assert foreign_field.status_code == 422 and "author_id" in foreign_field.get_json()["errors"]


def test_report_csv_has_a_row_for_every_supplier_shown(coordinator, scene):
    rows = csv_rows(coordinator.get(report_url(scene, ".csv")))

    by_name = {r["supplier"]: r for r in rows}
    assert by_name["Kaveri Platers Pvt Ltd"]["section"] == "qualified"
    assert by_name["Kaveri Platers Pvt Ltd"]["quote"] == "quote received"
    assert by_name["Hosur Electroplaters"]["section"] == "close"
    assert "ISO 9001" in by_name["Hosur Electroplaters"]["lacks"]
    assert "quote_total_inr" not in rows[0]


def test_printable_report_has_the_content_without_forms(coordinator, scene):
    page = coordinator.get(report_url(scene, "/print")).get_data(as_text=True)

    assert "Kaveri Platers Pvt Ltd" in page and "Hosur Electroplaters" in page
    assert 'name="recommendation"' not in page
    assert "Print (Ctrl+P)" in page
