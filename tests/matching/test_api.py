"""The matching API as a buyer's integration uses it: ranking, why-not, weights, shortlist."""

import json
from datetime import timedelta

import pytest

from suppliermatch.dates import today_in_india
from suppliermatch.matching import service
from tests import factories


@pytest.fixture
def scene(session, world):
    return factories.make_matching_scene(session, world)


@pytest.fixture
def anchor(make_client, world):
    return make_client(world["anchor_x"])


def matches_url(scene, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return f"/api/requirements/{scene['requirement'].id}/matches" + (f"?{args}" if args else "")


def test_matches_are_paged_with_the_x_pagination_header_and_explained(anchor, scene):
    everything = anchor.get(matches_url(scene)).get_json()
    second = anchor.get(matches_url(scene, page=2, per_page=1))

    assert second.status_code == 200
    meta = json.loads(second.headers["X-Pagination"])
    assert meta["total"] == everything["total"] == len(everything["items"]) == 2
    assert meta["page"] == 2 and meta["previous_page"] == 1
    (item,) = second.get_json()["items"]
    assert item == everything["items"][1]
    assert item["supplier_name"] == "Deccan Zinc Coaters"
    assert item["match"] == "related" and not item["fully_qualified"]
    top = everything["items"][0]
    assert top["fully_qualified"] and top["rank"] == 1
    assert {f["name"] for f in top["factors"]} >= {"capacity", "distance", "preferred_certs"}
    assert any("ISO 9001" in reason for reason in top["reasons"])
    assert everything["process"] == "nicuni_plating"
    assert "excluded" not in everything


def test_per_page_above_one_hundred_is_refused(anchor, scene):
    response = anchor.get(matches_url(scene, per_page=101))
    assert response.status_code == 422
    assert "per_page" in response.get_json()["errors"]


def test_include_excluded_adds_the_suppliers_left_out_with_what_they_fail(anchor, scene):
    body = anchor.get(matches_url(scene, include_excluded="true")).get_json()

    left_out = {item["supplier_name"]: item["failures"] for item in body["excluded"]}
    assert set(left_out) == {"Hosur Electroplaters", "Tiny Finishers"}
    assert any("expired" in failure for failure in left_out["Hosur Electroplaters"])
    assert any("below half" in failure for failure in left_out["Tiny Finishers"])


def test_a_supplier_failing_a_hard_constraint_never_ranks_above_one_meeting_all(
    session, world, anchor, scene
):
    # More suppliers offering the process, each failing one constraint in its own way,
    # all nearer and bigger than the qualifying ones.
    today = today_in_india()
    for number, (certificates, capacity) in enumerate(
        [
            ((("ISO9001", "suspended", today + timedelta(days=500)),), 90_000),
            ((("ISO9001", "certified", today + timedelta(days=5)),), 90_000),
            ((("ISO14001", "certified", today + timedelta(days=500)),), 90_000),
            ((("ISO9001", "certified", today + timedelta(days=500)),), 2_000),
        ]
    ):
        factories.make_supplier(
            session,
            cluster=world["cluster_1"],
            legal_name=f"Near Big Platers {number}",
            pincode="635109",
            about="Nickel-copper-nickel plating, export quality.",
            capabilities=[{"category": "coatings", "capacity_per_month": capacity}],
            certificates=certificates,
        )
    session.commit()

    body = anchor.get(matches_url(scene, include_excluded="true")).get_json()
    ranked = [item["supplier_id"] for item in body["items"]]
    verdicts = service.why_not(session, scene["requirement"], ranked)
    assert ranked and all(verdicts[supplier_id].eligible for supplier_id in ranked)
    excluded_names = {item["supplier_name"] for item in body["excluded"]}
    assert {f"Near Big Platers {n}" for n in range(4)} <= excluded_names
    assert not excluded_names & {item["supplier_name"] for item in body["items"]}


def test_the_anchor_changes_the_weights_and_the_ranking_uses_them(anchor, scene):
    url = f"/api/requirements/{scene['requirement'].id}/match-weights"
    before = anchor.get(url).get_json()
    assert before["effective"] == before["defaults"] and before["overrides"] == {}
    assert before["more_met_always_wins"]

    saved = anchor.put(url, json={"weights": {"readiness": 0.5}, "version": before["version"]})
    assert saved.status_code == 200
    assert saved.get_json()["effective"]["readiness"] == 0.5
    assert not saved.get_json()["more_met_always_wins"]
    assert anchor.get(matches_url(scene)).get_json()["weights"]["readiness"] == 0.5

    stale = anchor.put(url, json={"weights": {}, "version": before["version"]})
    assert stale.status_code == 409
    unknown = anchor.put(url, json={"weights": {"price": 0.2}, "version": before["version"] + 1})
    assert unknown.status_code == 422
    too_big = anchor.put(url, json={"weights": {"distance": 3}, "version": before["version"] + 1})
    assert too_big.status_code == 422
    reset = anchor.put(url, json={"weights": {}, "version": before["version"] + 1})
    assert reset.get_json()["effective"] == before["defaults"]


def test_shortlist_add_list_and_remove(anchor, make_client, world, scene):
    url = f"/api/requirements/{scene['requirement'].id}/shortlist"
    plater = scene["plater"].id

    added = anchor.post(url, json={"supplier_id": plater, "note": "visit the plant"})
    assert added.status_code == 201
    assert [e["supplier_name"] for e in added.get_json()] == ["Kaveri Platers Pvt Ltd"]
    assert anchor.post(url, json={"supplier_id": plater}).status_code == 200
    listed = make_client(world["coordinator_1"]).get(url).get_json()
    assert [(e["supplier_id"], e["note"]) for e in listed] == [(plater, "visit the plant")]
    top = anchor.get(matches_url(scene)).get_json()["items"][0]
    assert top["supplier_id"] == plater and top["shortlisted"]

    assert anchor.delete(f"{url}/{plater}").status_code == 204
    assert anchor.get(url).get_json() == []
    missing = anchor.post(url, json={"supplier_id": 999_999})
    assert missing.status_code == 422 and "supplier_id" in missing.get_json()["errors"]


def test_every_matching_route_is_in_the_openapi_document(client):
    paths = client.get("/api/openapi.json").get_json()["paths"]
    for path, methods in {
        "/api/requirements/{requirement_id}/matches": {"get"},
        "/api/requirements/{requirement_id}/match-weights": {"get", "put"},
        "/api/requirements/{requirement_id}/shortlist": {"get", "post"},
        "/api/requirements/{requirement_id}/shortlist/{supplier_id}": {"delete"},
    }.items():
        assert methods <= set(paths[path]), path
