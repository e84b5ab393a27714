"""Who may use each requirements, scorecard and notification route: the authorisation table.

Every route these features register must be in ``TABLE`` (a new one fails the inventory
test). For each route the whole cast is tried: anonymous callers are sent to sign in,
the wrong kind of user gets 403, another tenant gets 404 (never 403: existence is not
revealed), and the rest get through the access checks (any other answer, e.g. 200, 302
after a form, 409 or 422 for a refused rule).
"""

import io
from datetime import timedelta

import pytest
from sqlmodel import select

from suppliermatch.access import actor_for_user
from suppliermatch.models_base import utcnow
from suppliermatch.notifications.models import Notification
from suppliermatch.requirements import awards, quotes
from suppliermatch.requirements.models import Award
from suppliermatch.requirements.service import line_items
from tests.certification.documents import certificate_pdf
from tests.requirements.helpers import add_pdf_drawing, pass_deadline

OK, FORBIDDEN, NOT_FOUND = "ok", "403", "404"
CAST = ("msme_a", "msme_b", "anchor_x", "anchor_y", "coordinator_1", "coordinator_2", "admin")

# Who may do what with anchor X's requirement (cluster 1; MSME A and B both invited).
EVERY_USER = dict.fromkeys(CAST, OK)
SEES = {**EVERY_USER, "anchor_y": NOT_FOUND, "coordinator_2": NOT_FOUND}
OVERSEES = {**SEES, "msme_a": FORBIDDEN, "msme_b": FORBIDDEN}
MANAGES = {**OVERSEES, "coordinator_1": FORBIDDEN, "coordinator_2": FORBIDDEN}
SUPPLIERS_ONLY = {
    **dict.fromkeys(CAST, FORBIDDEN),
    "msme_a": OK,
    "msme_b": OK,
}
ANCHORS_ONLY = {**dict.fromkeys(CAST, FORBIDDEN), "anchor_x": OK, "anchor_y": OK, "admin": OK}
# Admins have no firm: the service refuses to post a requirement for nobody.
ANCHOR_USERS_ONLY = {**ANCHORS_ONLY, "admin": FORBIDDEN}
MSME_PAGES = {**SUPPLIERS_ONLY, "admin": OK}
COORDINATORS = {
    **dict.fromkeys(CAST, FORBIDDEN),
    "coordinator_1": OK,
    "coordinator_2": OK,
    "admin": OK,
}
BUYERS_AND_COORDINATORS = {**EVERY_USER, "msme_a": FORBIDDEN, "msme_b": FORBIDDEN}
OWN_NOTIFICATION = {**dict.fromkeys(CAST, NOT_FOUND), "msme_a": OK}

R = "/requirements/{requirement_id}"
API = "/api/requirements/{requirement_id}"

# (method, path, scenario, body, expected outcome per user)
TABLE = [
    ("GET", "/requirements", "open", None, ANCHORS_ONLY),
    ("GET", "/requirements/new", "open", None, ANCHOR_USERS_ONLY),
    ("POST", "/requirements/new", "open", "form", ANCHOR_USERS_ONLY),
    ("GET", "/rfqs", "open", None, MSME_PAGES),
    ("GET", "/requirements/cluster", "open", None, COORDINATORS),
    ("GET", "/requirements/import", "open", None, COORDINATORS),
    ("GET", "/requirements/import/template.csv", "open", None, COORDINATORS),
    ("POST", R + "/drawings", "open", "drawing", MANAGES),
    ("GET", R + "/drawings/{drawing_id}", "open", None, SEES),
    # Each user is asked to remove a drawing of its own (one removed is gone).
    ("POST", R + "/drawings/{drawing_id}/remove", "drawing_each", None, MANAGES),
    ("POST", "/requirements/import", "open", "form", COORDINATORS),
    ("GET", R, "open", None, SEES),
    ("GET", R + "/edit", "open", None, MANAGES),
    ("POST", R + "/edit", "open", "form", MANAGES),
    ("POST", R + "/publish", "open", "form", MANAGES),
    ("POST", R + "/close", "open", "form", MANAGES),
    ("POST", R + "/cancel", "open", "cancel_form", MANAGES),
    ("POST", R + "/invite", "open", "invite_form", MANAGES),
    ("POST", R + "/quote", "open", "quote_form", {**SUPPLIERS_ONLY, "admin": FORBIDDEN}),
    ("POST", R + "/decline", "open", "cancel_form", SUPPLIERS_ONLY),
    ("GET", R + "/comparison", "closed", None, MANAGES),
    ("GET", R + "/comparison.csv", "closed", None, MANAGES),
    ("GET", R + "/award", "closed", None, MANAGES),
    ("POST", R + "/award", "closed", "award_form", MANAGES),
    ("GET", R + "/awards/{award_id}/rate", "awarded", None, MANAGES),
    ("POST", R + "/awards/{award_id}/rate", "awarded", "rating", MANAGES),
    ("GET", "/suppliers/{supplier_id}/scorecard", "open", None, BUYERS_AND_COORDINATORS),
    ("GET", "/notifications", "open", None, EVERY_USER),
    ("POST", "/notifications/{notification_id}/read", "open", None, OWN_NOTIFICATION),
    ("POST", "/notifications/read-all", "open", None, EVERY_USER),
    ("GET", "/api/requirements", "open", None, EVERY_USER),
    ("POST", "/api/requirements", "open", "requirement", ANCHOR_USERS_ONLY),
    ("GET", API, "open", None, SEES),
    ("PATCH", API, "open", "version", MANAGES),
    ("POST", API + "/publish", "open", "empty", MANAGES),
    ("POST", API + "/close", "open", "empty", MANAGES),
    ("POST", API + "/cancel", "open", "reason", MANAGES),
    ("GET", API + "/history", "open", None, OVERSEES),
    ("GET", API + "/invitations", "open", None, OVERSEES),
    ("POST", API + "/invitations", "open", "invite", MANAGES),
    ("POST", API + "/decline", "open", "reason", {**SUPPLIERS_ONLY}),
    ("GET", API + "/quotes", "quoted", None, MANAGES),
    ("POST", API + "/quotes", "open", "quote", {**SUPPLIERS_ONLY}),
    ("GET", API + "/quotes/mine", "quoted", None, {**SUPPLIERS_ONLY}),
    ("PUT", API + "/quotes/mine", "quoted", "quote_update", {**SUPPLIERS_ONLY}),
    ("POST", API + "/award", "closed", "award", MANAGES),
    ("GET", API + "/awards", "awarded", None, OVERSEES),
    ("POST", API + "/awards/{award_id}/rating", "awarded", "rating", MANAGES),
    ("POST", "/api/requirements/import", "open", "import", COORDINATORS),
    ("GET", "/api/suppliers/{supplier_id}/scorecard", "open", None, BUYERS_AND_COORDINATORS),
    ("GET", "/api/notifications", "open", None, EVERY_USER),
    ("POST", "/api/notifications/{notification_id}/read", "open", None, OWN_NOTIFICATION),
    ("POST", "/api/notifications/read-all", "open", None, EVERY_USER),
]
OWNED_BLUEPRINTS = (
    "requirements",
    "requirements_api",
    "scorecards_api",
    "notifications",
    "notifications_api",
)


def test_every_route_of_these_features_is_in_the_table(app):
    listed = {(method, path) for method, path, *_ in TABLE}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in OWNED_BLUEPRINTS:
            continue
        path = rule.rule.replace("<int:", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in listed, f"{method} {path} has no row in the access table"


def _scenario(session, cast, rfq, name: str) -> dict:
    anchor = actor_for_user(session, cast["anchor_x"])
    ids = {"requirement_id": rfq.id, "supplier_id": cast["supplier_a"].id}
    if name in ("open", "drawing_each"):
        ids["drawing_id"] = _new_drawing(session, anchor, rfq)
    else:
        for user in ("msme_a", "msme_b"):
            quotes.submit_quote(
                session,
                actor=actor_for_user(session, cast[user]),
                requirement_id=rfq.id,
                data=_quote_data(session, rfq),
            )
        session.commit()
    if name in ("closed", "awarded"):
        pass_deadline(session, rfq)
    if name == "awarded":
        awards.award(
            session,
            actor=anchor,
            requirement_id=rfq.id,
            allocations=[{"supplier_id": cast["supplier_a"].id}],
        )
        session.commit()
        ids["award_id"] = session.exec(select(Award).where(Award.requirement_id == rfq.id)).one().id
    ids["notification_id"] = session.exec(
        select(Notification.id).where(Notification.user_id == cast["msme_a"].id)
    ).first()
    return ids


def _new_drawing(session, anchor, rfq) -> int:
    return add_pdf_drawing(session, anchor, rfq.id, "Drawing QP-16", "qp-16.pdf")[0].id


def _quote_data(session, rfq) -> dict:
    return {
        "lead_time_days": 10,
        "valid_until": (utcnow() + timedelta(days=30)).date(),
        "lines": [
            {"line_item_id": li.id, "unit_price_inr": 50} for li in line_items(session, rfq.id)
        ],
    }


def _request_kwargs(kind, session, cast, rfq) -> dict:
    items = [li.id for li in line_items(session, rfq.id)]
    valid_until = (utcnow() + timedelta(days=30)).date().isoformat()
    today = utcnow().date().isoformat()
    quote_json = {
        "lead_time_days": 10,
        "valid_until": valid_until,
        "lines": [{"line_item_id": i, "unit_price_inr": 60} for i in items],
    }
    rating = {"quality": 4, "on_time": 4, "communication": 4, "delivered_on": today}
    bodies = {
        None: {},
        "form": {"data": {}},
        "cancel_form": {"data": {"reason": "access table"}},
        "invite_form": {"data": {"supplier_ids": str(cast["supplier_a"].id)}},
        "quote_form": {
            "data": {
                "lead_time_days": "10",
                "valid_until": valid_until,
                **{f"price_{i}": "60" for i in items},
            }
        },
        "award_form": {"data": {f"award_{cast['supplier_a'].id}": "1"}},
        "rating": {"json": rating},
        "requirement": {"json": {"title": "Access table RFQ", "category": "testing"}},
        "version": {"json": {"version": 1}},
        "empty": {"json": {}},
        "reason": {"json": {"reason": "access table"}},
        "invite": {"json": {"supplier_ids": [cast["supplier_a"].id]}},
        "quote": {"json": quote_json},
        "quote_update": {"json": {**quote_json, "version": 1}},
        "award": {"json": {"allocations": [{"supplier_id": cast["supplier_a"].id}]}},
        "drawing": {
            "data": {"file": (io.BytesIO(certificate_pdf(["Drawing QP-17"])), "qp-17.pdf")},
            "content_type": "multipart/form-data",
        },
        "import": {
            "data": {"file": (io.BytesIO(b"requirement_ref\n"), "x.csv")},
            "content_type": "multipart/form-data",
        },
    }
    return bodies[kind]


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return str(response.status_code)
    return OK


def _asks_to_sign_in(response, is_api: bool) -> bool:
    if is_api:
        return response.status_code == 401
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("method", "path", "scenario", "body", "expected"),
    TABLE,
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_access(
    app, session, client, make_client, cast, rfq, method, path, scenario, body, expected
):
    ids = _scenario(session, cast, rfq, scenario)
    anchor = actor_for_user(session, cast["anchor_x"])
    url = path.format(**ids)
    is_api = url.startswith("/api/")
    kwargs = _request_kwargs(body, session, cast, rfq)
    if body == "rating" and not is_api:
        kwargs = {"data": kwargs["json"]}  # pages post forms, the API posts JSON

    anonymous = client.open(url, method=method, **_fresh(kwargs))
    assert _asks_to_sign_in(anonymous, is_api), (url, anonymous.status_code)

    # Refusals first, so that nothing an allowed user changes can hide a leak.
    for user in sorted(CAST, key=lambda u: expected[u] == OK):
        if scenario == "drawing_each":
            url = path.format(**{**ids, "drawing_id": _new_drawing(session, anchor, rfq)})
        response = make_client(cast[user]).open(url, method=method, **_fresh(kwargs))
        response.close()  # a download's file
        got = _outcome(response)
        assert got == expected[user], (
            user,
            method,
            url,
            response.status_code,
            response.get_data(as_text=True)[:300],
        )


def _fresh(kwargs: dict) -> dict:
    """Uploads are streams: each request needs its own."""
    if "data" in kwargs and isinstance(kwargs["data"], dict) and "file" in kwargs["data"]:
        stream, name = kwargs["data"]["file"]
        return {**kwargs, "data": {"file": (io.BytesIO(stream.getvalue()), name)}}
    return dict(kwargs)
