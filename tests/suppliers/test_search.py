"""Search: typo-tolerant words over names, capabilities, processes and places; filters;
certificates that count today; pages of at most 100; never another tenant's suppliers."""

import json
from datetime import timedelta

import pytest

from suppliermatch.dates import today_in_india
from suppliermatch.suppliers.search import cache as search_cache
from tests import factories
from tests.pages import page_text

FUTURE = today_in_india() + timedelta(days=400)
PAST = today_in_india() - timedelta(days=10)


@pytest.fixture
def market(session, world):
    """A few suppliers of cluster 1 and one of cluster 2."""
    make = factories.make_supplier
    suppliers = {
        "platers": make(
            session,
            cluster=world["cluster_1"],
            legal_name="Kalinga Surface Coatings Pvt Ltd",
            district="Ganjam",
            state="Odisha",
            capabilities=[
                {
                    "category": "coatings",
                    "process": "nicuni_plating",
                    "description": "Barrel plating",
                }
            ],
            certificates=[("ISO9001", "certified", FUTURE), ("ZED_GOLD", "certified", FUTURE)],
        ),
        "lab": make(
            session,
            cluster=world["cluster_1"],
            legal_name="Utkal Magnetic Testing Labs",
            district="Khordha",
            state="Odisha",
            about="NABL accredited lab with a hysteresisgraph and Helmholtz coil",
            capabilities=[{"category": "testing", "process": "magnetic_property_testing"}],
            certificates=[("NABL17025", "certified", FUTURE), ("ISO9001", "expired", PAST)],
        ),
        "machinists": make(
            session,
            cluster=world["cluster_1"],
            legal_name="Ganesh Precision Engineering",
            district="Ganjam",
            state="Odisha",
            capabilities=[
                {"category": "cnc_machining", "process": "wire_edm", "best_tolerance_mm": 0.005}
            ],
            equipment=[{"machine": "Wire EDM", "make": "Electronica"}],
        ),
        "elsewhere": make(
            session,
            cluster=world["cluster_2"],
            legal_name="Sabarmati Plating Works",
            district="Ahmedabad",
            state="Gujarat",
            capabilities=[{"category": "coatings", "process": "nicuni_plating"}],
            certificates=[("ISO9001", "certified", FUTURE)],
        ),
    }
    session.commit()
    return {name: supplier.id for name, supplier in suppliers.items()}


def _names(response):
    assert response.status_code == 200, response.get_json()
    return [row["legal_name"] for row in response.get_json()]


def test_words_with_typos_find_the_supplier(make_client, world, market):
    client = make_client(world["coordinator_1"])
    assert _names(client.get("/api/suppliers?q=nickle plating")) == [
        "Kalinga Surface Coatings Pvt Ltd"
    ]
    assert _names(client.get("/api/suppliers?q=hysterisis")) == ["Utkal Magnetic Testing Labs"]
    assert _names(client.get("/api/suppliers?q=Ganseh")) == ["Ganesh Precision Engineering"]
    assert _names(client.get("/api/suppliers?q=electronica edm")) == [
        "Ganesh Precision Engineering"
    ]


def test_a_process_synonym_finds_suppliers_who_wrote_it_differently(make_client, world, market):
    client = make_client(world["coordinator_1"])
    names = _names(client.get("/api/suppliers?q=nickel copper nickel"))
    assert names == ["Kalinga Surface Coatings Pvt Ltd"]


def test_search_never_returns_another_clusters_suppliers(make_client, world, market):
    for actor, expected in (
        ("anchor_x", {"Kalinga Surface Coatings Pvt Ltd"}),
        ("anchor_y", {"Sabarmati Plating Works"}),
        ("admin", {"Kalinga Surface Coatings Pvt Ltd", "Sabarmati Plating Works"}),
    ):
        client = make_client(world[actor])
        assert set(_names(client.get("/api/suppliers?q=plating"))) == expected, actor


def test_certificate_filter_counts_only_valid_certificates_and_higher_levels(
    make_client, world, market
):
    client = make_client(world["coordinator_1"])
    assert _names(client.get("/api/suppliers?certificate=ISO9001")) == [
        "Kalinga Surface Coatings Pvt Ltd"
    ]
    assert _names(client.get("/api/suppliers?certificate=ZED_SILVER")) == [
        "Kalinga Surface Coatings Pvt Ltd"
    ]
    # Named in the words: "ISO 9001" is the certificate, not text to look for.
    assert _names(client.get("/api/suppliers?q=ISO 9001 testing")) == []
    assert _names(client.get("/api/suppliers?q=NABL hysteresisgraph")) == [
        "Utkal Magnetic Testing Labs"
    ]


def test_filters_by_category_process_and_place(make_client, world, market):
    client = make_client(world["admin"])
    assert set(_names(client.get("/api/suppliers?category=coatings"))) == {
        "Kalinga Surface Coatings Pvt Ltd",
        "Sabarmati Plating Works",
    }
    assert _names(client.get("/api/suppliers?process=wire_edm")) == ["Ganesh Precision Engineering"]
    assert _names(client.get("/api/suppliers?category=coatings&state=gujarat")) == [
        "Sabarmati Plating Works"
    ]
    assert set(_names(client.get("/api/suppliers?district=ganjam"))) == {
        "Kalinga Surface Coatings Pvt Ltd",
        "Ganesh Precision Engineering",
    }
    assert _names(client.get("/api/suppliers?q=khordha")) == ["Utkal Magnetic Testing Labs"]


def test_unknown_filters_are_refused_by_name(make_client, world, market):
    client = make_client(world["admin"])
    response = client.get("/api/suppliers?category=alchemy&certificate=ISO99")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"category", "certificate"}
    assert client.get("/api/suppliers?per_page=101").status_code == 422


def test_results_come_in_pages_with_the_pagination_header(make_client, world, market):
    client = make_client(world["admin"])
    first = client.get("/api/suppliers?q=odisha&per_page=2")
    meta = json.loads(first.headers["X-Pagination"])
    assert (meta["total"], meta["total_pages"], len(first.get_json())) == (3, 2, 2)
    second = client.get("/api/suppliers?q=odisha&per_page=2&page=2").get_json()
    assert {r["id"] for r in second}.isdisjoint({r["id"] for r in first.get_json()})


def test_directory_search_is_public_and_shows_no_private_fields(client, session, world, market):
    rows = client.get("/api/suppliers/directory?q=plating").get_json()
    assert {r["legal_name"] for r in rows} == {
        "Kalinga Surface Coatings Pvt Ltd",
        "Sabarmati Plating Works",
    }
    assert all("gstin" not in r and "version" not in r for r in rows)
    page = client.get("/directory?q=plating").get_data(as_text=True)
    assert "Sabarmati Plating Works" in page


def test_search_page_lists_results_with_certificates(make_client, world, market):
    page = make_client(world["coordinator_1"]).get("/suppliers?q=plating").get_data(as_text=True)
    assert "Kalinga Surface Coatings Pvt Ltd" in page and "ISO 9001" in page
    assert "Sabarmati Plating Works" not in page


@pytest.mark.parametrize("reader", ["index", "scan"])
def test_the_directory_sorts_by_name_or_newest_first_with_or_without_words(
    client, market, monkeypatch, reader
):
    if reader == "scan":  # what searches read while a large first index build runs
        monkeypatch.setattr(search_cache.SearchCache, "fresh_index", lambda self, session: None)
    joined = ["Kalinga Surface Coatings Pvt Ltd", "Utkal Magnetic Testing Labs"]
    joined += ["Ganesh Precision Engineering", "Sabarmati Plating Works"]

    def listed(query: str) -> list[str]:  # the market's suppliers, as the list orders them
        return [name for name in _names(client.get(query)) if name in joined]

    assert listed("/api/suppliers/directory") == sorted(joined)
    assert listed("/api/suppliers/directory?sort=newest") == joined[::-1]
    # With words, best match first unless asked otherwise: the name match ranks higher.
    plating = "/api/suppliers/directory?q=plating"
    assert _names(client.get(plating))[0] == "Sabarmati Plating Works"
    assert _names(client.get(f"{plating}&sort=name")) == [joined[0], joined[3]]
    assert _names(client.get(f"{plating}&sort=newest")) == [joined[3], joined[0]]

    page = client.get("/directory?sort=newest")
    shown = page_text(page)
    assert shown.index("Sabarmati Plating Works") < shown.index("Kalinga Surface Coatings")
    assert '<option value="newest" selected>Newest first</option>' in page.get_data(as_text=True)
    refused = client.get("/directory?sort=cheapest")
    assert refused.status_code == 422 and "Must be one of" in page_text(refused)
    assert client.get("/api/suppliers/directory?sort=cheapest").get_json()["errors"] == {
        "sort": ["Must be one of: relevance, name, newest."]
    }
