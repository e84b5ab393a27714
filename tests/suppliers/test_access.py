"""Who may use each supplier route: a table of outcomes for the whole cast.

Every route of the suppliers blueprints must be in ROUTES: a new route without its row
fails ``test_every_supplier_route_is_in_the_table``. Outcomes: a status code, or
"login" for the redirect to the sign-in page.
"""

import pytest
from sqlmodel import select

from suppliermatch.suppliers.models import Capability, Equipment, Supplier
from tests.suppliers.conftest import ACTORS, make_candidate, make_import_record


def _table(anonymous, msme_a, msme_b, anchor_x, anchor_y, coordinator_1, coordinator_2, admin):
    return dict(
        zip(
            ACTORS,
            (anonymous, msme_a, msme_b, anchor_x, anchor_y, coordinator_1, coordinator_2, admin),
            strict=True,
        )
    )


# Reading A's full profile: A itself, its cluster (anchor X, coordinator 1) and admins.
READ_A = _table(401, 200, 404, 200, 404, 200, 404, 200)
READ_A_PAGE = _table("login", 200, 404, 200, 404, 200, 404, 200)
# Changing A: A and its coordinator; anchors are the wrong kind of user (403).
EDIT_A = _table(401, 200, 404, 403, 403, 200, 404, 200)
EDIT_A_PAGE = _table("login", 200, 404, 403, 403, 200, 404, 200)
EDIT_A_REDIRECT = _table("login", 302, 404, 403, 403, 302, 404, 302)
PUBLIC = _table(200, 200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = _table(401, 200, 200, 200, 200, 200, 200, 200)
COORDINATORS = _table(401, 403, 403, 403, 403, 200, 200, 200)
COORDINATORS_PAGE = _table("login", 403, 403, 403, 403, 200, 200, 200)
# A job that coordinators and admins start: 202 Accepted with the job.
QUEUED_BY_COORDINATORS = _table(401, 403, 403, 403, 403, 202, 202, 202)
# An object of cluster 1 that only coordinators review.
CLUSTER_1_REVIEW = _table(401, 403, 403, 403, 403, 200, 404, 200)
CLUSTER_1_REVIEW_PAGE = _table("login", 403, 403, 403, 403, 200, 404, 200)
CLUSTER_1_REVIEW_POST = _table("login", 403, 403, 403, 403, 302, 404, 302)


def _version(session, model, row_id):
    session.expire_all()
    return session.get(model, row_id).version


def _new_capability(session, cast):
    from suppliermatch.suppliers.profiles import service

    row = service.add_child(
        session,
        service.SYSTEM_ACTOR,
        service.CAPABILITIES,
        cast["supplier_a"].id,
        values={"category": "testing", "description": "salt spray"},
    )
    session.commit()
    return row


def _new_equipment(session, cast):
    from suppliermatch.suppliers.profiles import service

    row = service.add_child(
        session,
        service.SYSTEM_ACTOR,
        service.EQUIPMENT,
        cast["supplier_a"].id,
        values={"machine": "CMM"},
    )
    session.commit()
    return row


def _first(session, model, supplier_id):
    return session.exec(select(model).where(model.supplier_id == supplier_id)).first()


def _a(cast):
    return cast["supplier_a"].id


# (name, method, url(session, cast) -> (url, body), expected by actor)
ROUTES = [
    # -- JSON API --------------------------------------------------------------------------
    ("suppliers_api.list_suppliers", "GET", lambda s, c: ("/api/suppliers", None), SIGNED_IN),
    (
        "suppliers_api.create_supplier",
        "POST",
        lambda s, c: ("/api/suppliers", {"json": {"legal_name": "Utkal Coatings"}}),
        # MSME A already has its profile: 409; anchors may not add suppliers.
        _table(401, 409, 409, 403, 403, 201, 201, 201),
    ),
    (
        "suppliers_api.my_profile",
        "GET",
        lambda s, c: ("/api/suppliers/me", None),
        # Admins pass every kind check but have no profile of their own.
        _table(401, 200, 200, 403, 403, 403, 403, 404),
    ),
    ("suppliers_api.get_supplier", "GET", lambda s, c: (f"/api/suppliers/{_a(c)}", None), READ_A),
    (
        "suppliers_api.update_supplier",
        "PATCH",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}",
            {"json": {"employees": 42, "version": _version(s, Supplier, _a(c))}},
        ),
        EDIT_A,
    ),
    (
        "suppliers_api.list_capabilities",
        "GET",
        lambda s, c: (f"/api/suppliers/{_a(c)}/capabilities", None),
        READ_A,
    ),
    (
        "suppliers_api.add_capabilities",
        "POST",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}/capabilities",
            {"json": {"category": "testing", "process": "corrosion_testing"}},
        ),
        _table(401, 201, 404, 403, 403, 201, 404, 201),
    ),
    (
        "suppliers_api.update_capabilities",
        "PATCH",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}/capabilities/{(row := _first(s, Capability, _a(c))).id}",
            {"json": {"capacity_per_month": 500, "version": _version(s, Capability, row.id)}},
        ),
        EDIT_A,
    ),
    (
        "suppliers_api.delete_capabilities",
        "DELETE",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}/capabilities/{(row := _new_capability(s, c)).id}"
            f"?version={row.version}",
            None,
        ),
        _table(401, 204, 404, 403, 403, 204, 404, 204),
    ),
    (
        "suppliers_api.list_equipment",
        "GET",
        lambda s, c: (f"/api/suppliers/{_a(c)}/equipment", None),
        READ_A,
    ),
    (
        "suppliers_api.add_equipment",
        "POST",
        lambda s, c: (f"/api/suppliers/{_a(c)}/equipment", {"json": {"machine": "Wire EDM"}}),
        _table(401, 201, 404, 403, 403, 201, 404, 201),
    ),
    (
        "suppliers_api.update_equipment",
        "PATCH",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}/equipment/{(row := _first(s, Equipment, _a(c))).id}",
            {"json": {"count": 3, "version": _version(s, Equipment, row.id)}},
        ),
        EDIT_A,
    ),
    (
        "suppliers_api.delete_equipment",
        "DELETE",
        lambda s, c: (
            f"/api/suppliers/{_a(c)}/equipment/{(row := _new_equipment(s, c)).id}"
            f"?version={row.version}",
            None,
        ),
        _table(401, 204, 404, 403, 403, 204, 404, 204),
    ),
    ("suppliers_api.directory", "GET", lambda s, c: ("/api/suppliers/directory", None), PUBLIC),
    (
        "suppliers_api.directory_entry",
        "GET",
        lambda s, c: (f"/api/suppliers/directory/{_a(c)}", None),
        PUBLIC,
    ),
    (
        "suppliers_api.import_suppliers",
        "POST",
        lambda s, c: ("/api/suppliers/import", {"data": {"file": _csv_upload()}}),
        QUEUED_BY_COORDINATORS,
    ),
    (
        "suppliers_api.list_imports",
        "GET",
        lambda s, c: ("/api/suppliers/imports", None),
        COORDINATORS,
    ),
    (
        "suppliers_api.get_import",
        "GET",
        lambda s, c: (f"/api/suppliers/imports/{make_import_record(s, c['cluster_1']).id}", None),
        CLUSTER_1_REVIEW,
    ),
    (
        "suppliers_api.list_duplicates",
        "GET",
        lambda s, c: ("/api/suppliers/duplicates", None),
        COORDINATORS,
    ),
    (
        "suppliers_api.scan_duplicates",
        "POST",
        lambda s, c: ("/api/suppliers/duplicates/scan", None),
        QUEUED_BY_COORDINATORS,
    ),
    (
        "suppliers_api.merge_duplicates",
        "POST",
        lambda s, c: (
            f"/api/suppliers/duplicates/{(pair := make_candidate(s, c['cluster_1'])).id}/merge",
            {"json": {"keep_id": pair.supplier_id}},
        ),
        CLUSTER_1_REVIEW,
    ),
    (
        "suppliers_api.dismiss_duplicates",
        "POST",
        lambda s, c: (
            f"/api/suppliers/duplicates/{make_candidate(s, c['cluster_1']).id}/dismiss",
            None,
        ),
        CLUSTER_1_REVIEW,
    ),
    # -- pages -----------------------------------------------------------------------------
    (
        "suppliers.my_profile",
        "GET",
        lambda s, c: ("/suppliers/me", None),
        _table("login", 200, 200, 403, 403, 403, 403, 404),
    ),
    ("suppliers.detail", "GET", lambda s, c: (f"/suppliers/{_a(c)}", None), READ_A_PAGE),
    ("suppliers.directory", "GET", lambda s, c: ("/directory", None), PUBLIC),
    ("suppliers.public_profile", "GET", lambda s, c: (f"/directory/{_a(c)}", None), PUBLIC),
    (
        "suppliers.search_page",
        "GET",
        lambda s, c: ("/suppliers?q=plating", None),
        _table("login", 403, 403, 200, 200, 200, 200, 200),
    ),
    ("suppliers.new", "GET", lambda s, c: ("/suppliers/new", None), COORDINATORS_PAGE),
    ("suppliers.edit", "GET", lambda s, c: (f"/suppliers/{_a(c)}/edit", None), EDIT_A_PAGE),
    (
        "suppliers.edit",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/edit",
            {"data": {"legal_name": "A Works", "version": _version(s, Supplier, _a(c))}},
        ),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.add_capabilities",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/capabilities",
            {"data": {"category": "testing", "description": "CMM"}},
        ),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.edit_capabilities",
        "GET",
        lambda s, c: (
            f"/suppliers/{_a(c)}/capabilities/{_first(s, Capability, _a(c)).id}/edit",
            None,
        ),
        EDIT_A_PAGE,
    ),
    (
        "suppliers.edit_capabilities",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/capabilities/{(row := _first(s, Capability, _a(c))).id}/edit",
            {"data": {"category": "coatings", "version": _version(s, Capability, row.id)}},
        ),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.delete_capabilities",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/capabilities/{(row := _new_capability(s, c)).id}/delete",
            {"data": {"version": row.version}},
        ),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.add_equipment",
        "POST",
        lambda s, c: (f"/suppliers/{_a(c)}/equipment", {"data": {"machine": "Lathe"}}),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.edit_equipment",
        "GET",
        lambda s, c: (
            f"/suppliers/{_a(c)}/equipment/{_first(s, Equipment, _a(c)).id}/edit",
            None,
        ),
        EDIT_A_PAGE,
    ),
    (
        "suppliers.edit_equipment",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/equipment/{(row := _first(s, Equipment, _a(c))).id}/edit",
            {"data": {"machine": "Lathe", "count": "2", "version": _version(s, Equipment, row.id)}},
        ),
        EDIT_A_REDIRECT,
    ),
    (
        "suppliers.delete_equipment",
        "POST",
        lambda s, c: (
            f"/suppliers/{_a(c)}/equipment/{(row := _new_equipment(s, c)).id}/delete",
            {"data": {"version": row.version}},
        ),
        EDIT_A_REDIRECT,
    ),
    ("suppliers.import_page", "GET", lambda s, c: ("/suppliers/import", None), COORDINATORS_PAGE),
    (
        "suppliers.import_template",
        "GET",
        lambda s, c: ("/suppliers/import/template.csv", None),
        COORDINATORS_PAGE,
    ),
    (
        "suppliers.import_report",
        "GET",
        lambda s, c: (f"/suppliers/imports/{make_import_record(s, c['cluster_1']).id}", None),
        CLUSTER_1_REVIEW_PAGE,
    ),
    (
        "suppliers.import_report_csv",
        "GET",
        lambda s, c: (
            f"/suppliers/imports/{make_import_record(s, c['cluster_1']).id}/report.csv",
            None,
        ),
        CLUSTER_1_REVIEW_PAGE,
    ),
    (
        "suppliers.duplicates",
        "GET",
        lambda s, c: ("/suppliers/duplicates", None),
        COORDINATORS_PAGE,
    ),
    (
        "suppliers.scan_duplicates",
        "POST",
        lambda s, c: ("/suppliers/duplicates/scan", None),
        _table("login", 403, 403, 403, 403, 302, 302, 302),
    ),
    (
        "suppliers.merge_duplicates",
        "POST",
        lambda s, c: (
            f"/suppliers/duplicates/{(pair := make_candidate(s, c['cluster_1'])).id}/merge",
            {"data": {"keep_id": pair.supplier_id}},
        ),
        CLUSTER_1_REVIEW_POST,
    ),
    (
        "suppliers.dismiss_duplicates",
        "POST",
        lambda s, c: (
            f"/suppliers/duplicates/{make_candidate(s, c['cluster_1']).id}/dismiss",
            None,
        ),
        CLUSTER_1_REVIEW_POST,
    ),
]
# The import page's POST is exercised in test_import.py (it needs a file each time).
ROUTES_TESTED_ELSEWHERE = {("suppliers.import_page", "POST"), ("suppliers.new", "POST")}


def _csv_upload():
    import io

    from tests.factories import unique

    content = f"supplier_ref,name\n{unique('ACCESS-')},Access Test Works\n".encode()
    return (io.BytesIO(content), "suppliers.csv")


def _outcome(response):
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return "login"
    return response.status_code


@pytest.mark.parametrize(
    "endpoint,method,build,expected", ROUTES, ids=[f"{r[0]}-{r[1]}" for r in ROUTES]
)
def test_route_answers_each_actor_as_the_table_says(
    session, cast, clients, endpoint, method, build, expected
):
    seen = {}
    for actor in ACTORS:
        url, body = build(session, cast)
        response = clients[actor].open(url, method=method, **(body or {}))
        seen[actor] = _outcome(response)
        session.rollback()
    assert seen == expected


def test_every_supplier_route_is_in_the_table(app):
    listed = {(endpoint, method) for endpoint, method, _, _ in ROUTES} | ROUTES_TESTED_ELSEWHERE
    present = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in ("suppliers", "suppliers_api")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert present - listed == set()


def test_lists_never_include_another_clusters_suppliers(cast, clients):
    a, b = cast["supplier_a"].id, cast["supplier_b"].id
    seen = {}
    for actor in ("msme_a", "anchor_x", "anchor_y", "coordinator_1", "coordinator_2", "admin"):
        body = clients[actor].get("/api/suppliers?per_page=100").get_json()
        ids = {row["id"] for row in body}
        seen[actor] = (a in ids, b in ids)
    assert seen == {
        "msme_a": (True, False),
        "anchor_x": (True, False),
        "anchor_y": (False, True),
        "coordinator_1": (True, False),
        "coordinator_2": (False, True),
        "admin": (True, True),
    }


def test_duplicate_lists_show_only_the_coordinators_own_pairs(session, cast, clients):
    mine = make_candidate(session, cast["cluster_1"])
    theirs = make_candidate(session, cast["cluster_2"])
    listed = {
        actor: {row["id"] for row in clients[actor].get("/api/suppliers/duplicates").get_json()}
        for actor in ("coordinator_1", "coordinator_2", "admin")
    }
    assert listed == {
        "coordinator_1": {mine.id},
        "coordinator_2": {theirs.id},
        "admin": {mine.id, theirs.id},
    }
