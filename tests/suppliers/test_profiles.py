"""Supplier profiles: sign-up creates one, edits are checked field by field, a stale
version is refused, and the public directory shows only the public part."""

from sqlmodel import select

from suppliermatch.suppliers.models import Supplier
from tests import factories
from tests.suppliers.conftest import ODISHA_GSTIN, ODISHA_UDYAM, profile_of


def _patch(client, supplier_id, **changes):
    version = client.get(f"/api/suppliers/{supplier_id}").get_json()["version"]
    return client.patch(f"/api/suppliers/{supplier_id}", json={"version": version, **changes})


def test_msme_sign_up_creates_its_profile_in_its_cluster(client, world):
    response = client.post(
        "/api/auth/signup",
        json={
            "account_type": "msme",
            "organisation_name": "Kalinga Graphite Works",
            "cluster": world["cluster_1"].slug,
            "full_name": "Bikash Sahu",
            "email": "bikash@kalinga.example",
            "password": "graphite boats for sintering",
        },
    )
    assert response.status_code == 201
    profile = client.get("/api/suppliers/me").get_json()
    assert profile["legal_name"] == "Kalinga Graphite Works"
    assert profile["cluster_id"] == world["cluster_1"].id
    assert profile["claimed"] is True
    assert response.get_json()["supplier_id"] == profile["id"]


def test_anchor_sign_up_creates_no_supplier_profile(client, session):
    client.post(
        "/api/auth/signup",
        json={
            "account_type": "anchor",
            "organisation_name": "Vindhya Magnets",
            "full_name": "A",
            "email": "a@vindhya.example",
            "password": "sintered magnets need boats",
        },
    )
    names = session.exec(select(Supplier.legal_name)).all()
    assert "Vindhya Magnets" not in names


def test_identifiers_are_checked_and_the_pan_state_and_coordinates_follow(make_client, cast):
    client = make_client(cast["msme_a"])
    response = _patch(
        client,
        cast["supplier_a"].id,
        gstin=" 21aabck1234f1zb ",
        udyam_number=ODISHA_UDYAM,
        pincode="761008",
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["gstin"] == ODISHA_GSTIN
    assert body["pan"] == "AABCK1234F"
    assert body["state"] == "Odisha"
    assert round(body["lat"], 1) == 19.2 and round(body["lon"], 1) == 84.8


def test_enterprise_class_is_computed_from_investment_and_turnover(make_client, cast):
    client = make_client(cast["msme_a"])
    micro = _patch(
        client, cast["supplier_a"].id, investment_inr=25_000_000, turnover_inr=100_000_000
    )
    assert micro.get_json()["enterprise_class"] == "micro"
    small = _patch(client, cast["supplier_a"].id, investment_inr=30_000_000)
    assert small.get_json()["enterprise_class"] == "small"


def test_bad_values_are_refused_naming_each_field_and_nothing_is_stored(session, make_client, cast):
    client = make_client(cast["msme_a"])
    before = client.get(f"/api/suppliers/{cast['supplier_a'].id}").get_json()
    response = _patch(
        client,
        cast["supplier_a"].id,
        legal_name="Renamed Works",
        gstin="21AABCK1234F1ZX",
        udyam_number="UDYAM-XX-1-123",
        pincode="012345",
        categories=["coatings", "magic"],
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "check character should be B" in errors["gstin"][0]
    assert "UDYAM-XX-00-0000000" in errors["udyam_number"][0]
    assert "cannot start with 0" in errors["pincode"][0]
    assert "unknown category 'magic'" in errors["categories"][0]
    after = client.get(f"/api/suppliers/{cast['supplier_a'].id}").get_json()
    assert after["legal_name"] == before["legal_name"] and after["version"] == before["version"]


def test_gstin_of_another_state_is_refused(make_client, cast):
    client = make_client(cast["msme_a"])
    response = _patch(client, cast["supplier_a"].id, gstin=ODISHA_GSTIN, state="Gujarat")
    assert response.status_code == 422
    assert "registered in Odisha" in response.get_json()["errors"]["gstin"][0]


def test_a_gstin_already_registered_to_another_supplier_is_refused(session, make_client, cast):
    factories.make_supplier(session, gstin=ODISHA_GSTIN)
    session.commit()
    response = _patch(make_client(cast["msme_a"]), cast["supplier_a"].id, gstin=ODISHA_GSTIN)
    assert response.status_code == 422
    assert "already registered" in response.get_json()["errors"]["gstin"][0]


def test_fields_the_client_may_not_set_are_refused(make_client, cast):
    client = make_client(cast["msme_a"])
    for field, value in (
        ("organisation_id", cast["msme_b"].organisation_id),
        ("cluster_id", cast["cluster_2"].id),
        ("merged_into_id", cast["supplier_b"].id),
        ("enterprise_class", "micro"),
        ("pan", "AABCK1234F"),
        ("external_ref", "X1"),
        ("search_text", "anything"),
    ):
        response = _patch(client, cast["supplier_a"].id, **{field: value})
        assert response.status_code == 422, field
        assert response.get_json()["errors"] == {field: ["Unknown field."]}


def test_second_save_from_the_same_version_gets_409_and_changes_nothing(make_client, cast):
    first, second = make_client(cast["msme_a"]), make_client(cast["coordinator_1"])
    url = f"/api/suppliers/{cast['supplier_a'].id}"
    version = first.get(url).get_json()["version"]
    assert first.patch(url, json={"version": version, "employees": 40}).status_code == 200
    stale = second.patch(url, json={"version": version, "employees": 99})
    assert stale.status_code == 409
    assert "Someone else changed this profile" in stale.get_json()["message"]
    assert first.get(url).get_json()["employees"] == 40


def test_stale_save_on_the_edit_page_says_what_happened(make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    version = client.get(f"/api/suppliers/{supplier_id}").get_json()["version"]
    _patch(client, supplier_id, employees=12)
    page = client.post(
        f"/suppliers/{supplier_id}/edit",
        data={"legal_name": "Mine Now", "version": version},
    )
    assert page.status_code == 409
    text = page.get_data(as_text=True)
    assert "Someone else changed this profile" in text and "Open the current version" in text
    assert client.get(f"/api/suppliers/{supplier_id}").get_json()["legal_name"] != "Mine Now"


def test_edit_page_saves_amounts_in_lakh_and_crore(make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    version = client.get(f"/api/suppliers/{supplier_id}").get_json()["version"]
    response = client.post(
        f"/suppliers/{supplier_id}/edit",
        data={
            "version": version,
            "legal_name": "Shree Jagannath Platers",
            "investment_inr": "40 lakh",
            "turnover_inr": "2.5 cr",
            "categories__shown": "1",
            "categories": ["coatings"],
            "is_public__shown": "1",
        },
    )
    assert response.status_code == 302
    body = client.get(f"/api/suppliers/{supplier_id}").get_json()
    assert (body["investment_inr"], body["turnover_inr"]) == (4_000_000, 25_000_000)
    assert body["enterprise_class"] == "micro"
    assert body["categories"] == ["coatings"] and body["is_public"] is False


def test_edit_page_shows_each_problem_next_to_its_field(make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    version = client.get(f"/api/suppliers/{supplier_id}").get_json()["version"]
    page = client.post(
        f"/suppliers/{supplier_id}/edit",
        data={"version": version, "legal_name": "X Works", "pincode": "12345", "gstin": "21AB"},
    )
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "PIN code must be 6 digits" in text and "GSTIN must be 15 characters" in text
    negative = client.post(
        f"/suppliers/{supplier_id}/edit",
        data={"version": version, "legal_name": "X Works", "employees": "-3"},
    )
    assert negative.status_code == 422
    assert "greater than or equal to 0" in negative.get_data(as_text=True)


def test_capability_with_negative_capacity_or_foreign_process_is_refused(make_client, cast):
    client = make_client(cast["msme_a"])
    url = f"/api/suppliers/{cast['supplier_a'].id}/capabilities"
    negative = client.post(url, json={"category": "coatings", "capacity_per_month": -5})
    assert negative.status_code == 422
    assert "capacity_per_month" in negative.get_json()["errors"]
    foreign = client.post(url, json={"category": "coatings", "process": "wire_edm"})
    assert foreign.status_code == 422
    assert "belongs to cnc_machining" in foreign.get_json()["errors"]["process"][0]
    unknown = client.post(url, json={"category": "alchemy"})
    assert "unknown category" in unknown.get_json()["errors"]["category"][0]
    assert len(client.get(url).get_json()) == 1  # only the cast's own capability


def test_capability_edits_are_versioned_too(make_client, cast):
    client = make_client(cast["msme_a"])
    url = f"/api/suppliers/{cast['supplier_a'].id}/capabilities"
    capability = client.get(url).get_json()[0]
    changed = client.patch(
        f"{url}/{capability['id']}",
        json={"version": capability["version"], "best_tolerance_mm": 0.01},
    )
    assert changed.status_code == 200 and changed.get_json()["version"] == capability["version"] + 1
    stale = client.patch(
        f"{url}/{capability['id']}", json={"version": capability["version"], "description": "x"}
    )
    assert stale.status_code == 409


def test_capabilities_and_equipment_are_added_from_the_profile_page(make_client, cast):
    client = make_client(cast["msme_a"])
    supplier_id = cast["supplier_a"].id
    added = client.post(
        f"/suppliers/{supplier_id}/capabilities",
        data={
            "category": "cnc_machining",
            "process": "wire_edm",
            "description": "Wire cut of NdFeB blocks",
            "best_tolerance_mm": "0.005",
            "materials": "NdFeB, SS304",
        },
    )
    assert added.status_code == 302
    client.post(
        f"/suppliers/{supplier_id}/equipment",
        data={"machine": "Wire EDM", "make": "Electronica", "count": "2"},
    )
    page = client.get(f"/suppliers/{supplier_id}").get_data(as_text=True)
    assert "Wire cut of NdFeB blocks" in page and "±0.005 mm" in page and "NdFeB, SS304" in page
    assert "Electronica" in page


def test_directory_shows_the_public_part_only(session, client, make_client, cast):
    supplier_id = cast["supplier_a"].id
    _patch(
        make_client(cast["msme_a"]),
        supplier_id,
        gstin=ODISHA_GSTIN,
        phone="+91 98765 43210",
        email="owner@kalinga.example",
        turnover_inr=50_000_000,
    )
    body = client.get(f"/api/suppliers/directory/{supplier_id}").get_json()
    assert body["legal_name"] and body["capabilities"]
    assert body["certifications"] == ["ISO9001"]
    private = {"gstin", "pan", "phone", "email", "contact_name", "turnover_inr", "lat", "version"}
    assert private & set(body) == set()
    page = client.get(f"/directory/{supplier_id}").get_data(as_text=True)
    for secret in (ODISHA_GSTIN, "98765", "owner@kalinga.example"):
        assert secret not in page
    listing = client.get("/api/suppliers/directory").get_json()
    assert all(private & set(row) == set() for row in listing)


def test_a_profile_left_out_of_the_directory_is_not_found_there(session, client, make_client, cast):
    supplier_id = cast["supplier_a"].id
    _patch(make_client(cast["msme_a"]), supplier_id, is_public=False)
    assert client.get(f"/api/suppliers/directory/{supplier_id}").status_code == 404
    ids = {row["id"] for row in client.get("/api/suppliers/directory").get_json()}
    assert supplier_id not in ids


def test_coordinator_adds_a_supplier_to_own_cluster_only(make_client, cast):
    client = make_client(cast["coordinator_1"])
    created = client.post("/api/suppliers", json={"legal_name": "Mahanadi Recyclers"})
    assert created.status_code == 201 and created.get_json()["cluster_id"] == cast["cluster_1"].id
    elsewhere = client.post(
        "/api/suppliers", json={"legal_name": "Elsewhere", "cluster": cast["cluster_2"].slug}
    )
    assert elsewhere.status_code == 422 and "cluster" in elsewhere.get_json()["errors"]


def test_merged_profile_cannot_be_edited(session, make_client, cast):
    other = factories.make_supplier(session, cluster=cast["cluster_1"])
    other.merged_into_id = cast["supplier_a"].id
    session.commit()
    response = make_client(cast["coordinator_1"]).patch(
        f"/api/suppliers/{other.id}", json={"version": other.version, "employees": 3}
    )
    assert response.status_code == 409
    assert f"merged into supplier {cast['supplier_a'].id}" in response.get_json()["message"]


def test_factory_msme_user_has_a_profile(session, world):
    assert profile_of(session, world["msme_a"]).cluster_id == world["cluster_1"].id
