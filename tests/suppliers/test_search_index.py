"""The search index: typo-tolerant words found in memory, ranked as the scan of every text
ranked them, changed supplier by supplier; and, through the product, fresh in the next
search after a change made in this process or in another one sharing the database."""

import random

import numpy as np
import sqlalchemy as sa

from suppliermatch.extensions import db
from suppliermatch.suppliers.models import DuplicateCandidate, Supplier
from suppliermatch.suppliers.search import cache as search_cache
from suppliermatch.suppliers.search import index as search_index
from suppliermatch.suppliers.search import service as search
from suppliermatch.suppliers.search.index import SearchIndex
from tests import factories

ROWS = [
    (
        1,
        "kalinga surface coatings pvt ltd ganjam odisha nickel copper plating barrel",
        "Kalinga Surface Coatings Pvt Ltd",
    ),
    (
        2,
        "utkal magnetic testing labs khordha odisha nabl hysteresisgraph helmholtz coil",
        "Utkal Magnetic Testing Labs",
    ),
    (
        3,
        "ganesh precision engineering ganjam odisha wire edm electrical discharge electronica",
        "Ganesh Precision Engineering",
    ),
    (4, "sabarmati plating works ahmedabad gujarat nickel plating", "Sabarmati Plating Works"),
]


def ranking(index: SearchIndex, q: str) -> list[tuple[int, float]]:
    words, _ = search._understand(q)
    matches = index.match(words)
    _, window = search._ordered(matches, np.ones(len(matches), bool), len(words), 0, 1000)
    return window


def found(index: SearchIndex, q: str) -> set[int]:
    return {supplier_id for supplier_id, _ in ranking(index, q)}


def test_a_typo_in_a_long_word_still_finds_it():
    index = SearchIndex.build(ROWS)
    assert found(index, "nickle") == {1, 4}
    assert ranking(index, "hysterisis") == [(2, 90.0)]  # in "hysteresisgraph"
    assert found(index, "electronika odisa") == {3}


def test_a_short_word_matches_only_the_start_of_a_word():
    index = SearchIndex.build(ROWS)
    assert found(index, "edm") == {3}
    assert found(index, "dis") == {3}  # discharge
    assert found(index, "isc") == set()  # inside "discharge", not its start
    assert found(index, "cnm") == set()  # one letter off a short word is another word


def test_a_short_word_inside_a_long_query_word_is_not_a_match():
    index = SearchIndex.build([(1, "nickel barrel", "Nickel Works")])
    assert found(index, "nickelplating") == set()
    assert found(index, "nickel") == {1}


def test_a_word_in_the_name_ranks_the_supplier_higher():
    index = SearchIndex.build(ROWS)
    assert ranking(index, "plating") == [(4, 110.0), (1, 100.0)]
    assert ranking(index, "nickel plating") == [(4, 105.0), (1, 100.0)]


def test_suppliers_are_added_changed_and_removed():
    index = SearchIndex.build(ROWS)
    index.upsert(5, "deccan zinc coaters zinc plating", "Deccan Zinc Coaters")
    assert found(index, "zinc") == {5}
    assert found(index, "plating") == {1, 4, 5}
    index.upsert(5, "deccan chrome coaters chromising", "Deccan Chrome Coaters")
    assert found(index, "plating") == {1, 4}
    assert ranking(index, "chrome") == [(5, 110.0)]  # in the new name
    index.upsert(1, "kalinga anodising", "Kalinga Anodisers")
    assert found(index, "nickel") == {4}
    index.remove(4)
    index.remove(99)  # never there: nothing happens
    assert found(index, "nickel") == set()
    assert len(index) == 4 and 4 not in index and 5 in index


def test_after_many_changes_the_index_folds_them_in_and_finds_the_same(monkeypatch):
    monkeypatch.setattr(search_index, "_FOLD_AFTER", 20)
    index = SearchIndex.build(ROWS)
    latest = {supplier_id: (text, name) for supplier_id, text, name in ROWS}
    for n in range(60):
        supplier_id = 10 + n % 15
        text = f"supplier {n} {'nickel plating' if n % 2 else 'wire edm'} word{n}"
        index.upsert(supplier_id, text, f"Supplier {n}")
        latest[supplier_id] = (text, f"Supplier {n}")
    index.remove(2)
    del latest[2]
    assert index._rows < len(ROWS) + 60  # dead rows were dropped on the way
    rebuilt = SearchIndex.build([(i, text, name) for i, (text, name) in latest.items()])
    for q in ("nickel plating", "wire", "edm", "supplier 5", "word3", "hysteresis"):
        assert ranking(index, q) == ranking(rebuilt, q), q


PLACES = (("Ganjam", "Odisha"), ("Khordha", "Odisha"), ("Rajkot", "Gujarat"), ("Pune", ""))
CAPABILITIES = (
    ("coatings", "NiCuNi plating and zinc plating with salt spray tested finish"),
    ("cnc_machining", "CNC turning and milling, surface grinding, wire EDM job work"),
    ("heat_treatment", "vacuum annealing and ageing; grain boundary diffusion trials"),
    ("testing", "hysteresisgraph testing, CMM inspection, ICP-OES analysis"),
    ("recycling", "magnet scrap collection, swarf and sludge collection"),
)
NAMES = ("Sri", "Kalinga", "Deccan", "Kaveri", "Utkal", "Precision", "Thermal", "Platers")


def test_the_index_ranks_every_supplier_as_the_scan_of_every_text_did():
    rng = random.Random(7)
    rows = []
    for supplier_id in range(1, 301):
        name = f"{rng.choice(NAMES)} {rng.choice(NAMES)} {supplier_id} Works"
        district, state = rng.choice(PLACES)
        offered = rng.sample(CAPABILITIES, k=rng.choice((1, 2)))
        profile = {"legal_name": name, "district": district, "state": state}
        capabilities = [{"category": c, "description": text} for c, text in offered]
        rows.append((supplier_id, search.search_text_for(profile, capabilities, []), name))
    index = SearchIndex.build(rows)
    for q in (
        *("nickel plating", "wire edm", "vacuum heat treatment", "cmm inspection"),
        *("magnet scrap recycling", "nickle platting", "hysterisis", "ganjam", "kaveri 12"),
        *("grindng", "precision thermal", "sri", "zinc salt spray", "annealing pune"),
    ):
        words, _ = search._understand(q)
        assert ranking(index, q) == search._scan_ranking(rows, words), q


# -- through the product ----------------------------------------------------------------------


def _names(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [row["legal_name"] for row in response.get_json()]


def _edit(client, supplier_id: int, **changes):
    version = client.get(f"/api/suppliers/{supplier_id}").get_json()["version"]
    response = client.patch(f"/api/suppliers/{supplier_id}", json={"version": version, **changes})
    assert response.status_code == 200, response.get_json()


def _merge(client, session, keep_id: int, drop_id: int) -> None:
    candidate = DuplicateCandidate(
        supplier_id=keep_id, other_supplier_id=drop_id, score=0.97, evidence=["same name"]
    )
    session.add(candidate)
    session.commit()
    merged = client.post(
        f"/api/suppliers/duplicates/{candidate.id}/merge", json={"keep_id": keep_id}
    )
    assert merged.status_code == 200, merged.get_json()


def test_a_supplier_added_edited_or_merged_shows_so_in_the_next_search(session, make_client, world):
    client = make_client(world["admin"])
    assert _names(client.get("/api/suppliers?q=chromising")) == []

    added = factories.make_supplier(
        session, cluster=world["cluster_1"], legal_name="Vizag Chromisers", about="Chromising"
    )
    twin = factories.make_supplier(
        session, cluster=world["cluster_1"], legal_name="Vizag Chromisers Pvt", about="Aluminising"
    )
    session.commit()
    assert _names(client.get("/api/suppliers?q=chromising")) == ["Vizag Chromisers"]

    _edit(client, added.id, about="Boronising only")
    assert _names(client.get("/api/suppliers?q=chromising")) == []
    assert _names(client.get("/api/suppliers?q=boronising")) == ["Vizag Chromisers"]
    assert set(_names(client.get("/api/suppliers?q=vizag"))) == {
        "Vizag Chromisers",
        "Vizag Chromisers Pvt",
    }

    _merge(client, session, added.id, twin.id)
    assert _names(client.get("/api/suppliers?q=vizag")) == ["Vizag Chromisers"]
    assert _names(client.get("/api/suppliers/directory?q=aluminising")) == []
    assert search_cache.cache_for(session).builds == 1  # every change came in as an update


def test_changes_made_through_one_app_show_in_the_next_search_of_the_other(two_apps):
    writer, reader = two_apps
    with writer.app_context():
        admin = factories.make_user(db.session, kind="admin")
        kept = factories.make_supplier(db.session, legal_name="Hosur Heat Treaters")
        db.session.commit()
        kept_id = kept.id
    on_writer, on_reader = writer.test_client(), reader.test_client()
    on_writer.login(admin.email)
    on_reader.login(admin.email)
    assert _names(on_reader.get("/api/suppliers?q=nitriding")) == []

    with writer.app_context():
        twin = factories.make_supplier(
            db.session, legal_name="Hosur Heat Treaters Unit 2", about="Gas nitriding"
        )
        db.session.commit()
        twin_id = twin.id
    assert _names(on_reader.get("/api/suppliers?q=nitriding")) == ["Hosur Heat Treaters Unit 2"]

    _edit(on_writer, twin_id, about="Plasma nitriding and carburising")
    assert _names(on_reader.get("/api/suppliers?q=carburising")) == ["Hosur Heat Treaters Unit 2"]

    with writer.app_context():
        _merge(on_writer, db.session, kept_id, twin_id)
    assert _names(on_reader.get("/api/suppliers?q=hosur")) == ["Hosur Heat Treaters"]
    # The profile kept took the retired one's description (it had none).
    assert _names(on_reader.get("/api/suppliers?q=carburising")) == ["Hosur Heat Treaters"]
    with reader.app_context():
        assert search_cache.cache_for(db.session).builds == 1


def test_searches_scan_every_text_while_a_large_first_build_runs(two_apps):
    writer, reader = two_apps
    with writer.app_context():
        factories.make_supplier(db.session, legal_name="Rajkot Forgings", about="Closed die")
        db.session.commit()
    with reader.app_context():
        cache = search_cache.cache_for(db.session)
    cache.inline_build_limit = 0  # as if the database held a million suppliers
    client = reader.test_client()

    assert _names(client.get("/api/suppliers/directory?q=forgings")) == ["Rajkot Forgings"]
    assert cache.wait_for_build(timeout=60) and cache.builds == 1
    assert _names(client.get("/api/suppliers/directory?q=forging die")) == ["Rajkot Forgings"]


def test_a_page_is_checked_against_the_database_even_if_a_remembered_scope_is_stale(
    session, client, world, monkeypatch
):
    monkeypatch.setattr(search_cache, "REMEMBERED_SCOPE_SIZE", 1)
    hidden = factories.make_supplier(session, legal_name="Quiet Platers", about="Plating")
    factories.make_supplier(session, legal_name="Open Platers", about="Plating")
    session.commit()
    assert set(_names(client.get("/api/suppliers/directory?q=platers"))) == {
        "Quiet Platers",
        "Open Platers",
    }
    # Written around the service, so no process is told (updated_at is not moved).
    session.execute(sa.update(Supplier).where(Supplier.id == hidden.id).values(is_public=False))
    session.commit()
    response = client.get("/api/suppliers/directory?q=platers")
    assert _names(response) == ["Open Platers"]
    assert '"total": 1' in response.headers["X-Pagination"]
