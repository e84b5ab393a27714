"""Page forms that create something carry a one-time token: sent twice (a double click, a
resend after a timeout), the form makes one record and the second answer goes where the
first one went.

Every such form is found from the authorisation table (tests/security/inventory.py), whose
rows hold a request that succeeds for some role: that request is sent twice with the same
token, and no table may gain a row from the second.
"""

import re
import uuid
from pathlib import Path
from unittest import mock

import pytest
from sqlmodel import func, select

from suppliermatch import form_tokens, idempotency
from suppliermatch.accounts.models import User
from suppliermatch.extensions import db
from suppliermatch.paths import TEMPLATES_DIR
from suppliermatch.suppliers.models import Capability
from suppliermatch.tables import metadata
from tests.security.clients import signed_in_client, undone_afterwards
from tests.security.inventory import OK, ROUTES
from tests.security.scenario import SIGNED_IN_ROLES


def _guarded(app, endpoint: str) -> bool:
    return getattr(app.view_functions.get(endpoint), "one_time_form", False)


def _create_form_rows(app):
    """(route, the first role the table lets use it) for every create form in the table."""
    rows = []
    for route in ROUTES:
        if route.method == "POST" and _guarded(app, route.endpoint):
            role = next(r for r in SIGNED_IN_ROLES if route.expected[r] == OK)
            rows.append((route, role))
    return rows


def _row_counts() -> dict[str, int]:
    """Counted on the test's connection, not its session: inside ``undone_afterwards`` the
    session would open a savepoint of its own."""
    connection = db.sessionmaker.kw["bind"]
    return {
        table.name: connection.scalar(select(func.count()).select_from(table))
        for table in metadata.sorted_tables
    }


def _unverified(scenario, role: str) -> None:
    """A new link is only sent to an address not yet confirmed."""
    connection = db.sessionmaker.kw["bind"]
    user_table = User.__table__
    connection.execute(
        user_table.update()
        .where(user_table.c.id == scenario.user(role).id)
        .values(email_verified_at=None)
    )


# What a row's request needs beyond the scenario to create something.
PREPARE = {"accounts.resend_verification": _unverified}


def _added(before: dict, after: dict) -> dict:
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def _with_token(request: dict, token: str) -> dict:
    data = dict(request.get("data") or {})
    data[form_tokens.FIELD] = token
    return {**request, "data": data}


def _flashes(client) -> list[str]:
    """The messages waiting for the next page, taken as that page would."""
    with client.session_transaction() as cookie:
        return [message for _, message in cookie.pop("_flashes", [])]


# Each create form of the pages: the guarded endpoints (the table may not miss one).
GUARDED_ENDPOINTS = {
    "accounts.create_token",
    "accounts.resend_verification",
    "accounts.signup",
    "admin.create_cluster",
    "admin.create_organisation",
    "admin.create_user",
    "certification.create_certificate",
    "certification.renew_certificate",
    "certification.upload_evidence",
    "matching.invite",
    "matching.shortlist_add",
    "onboarding.invite",
    "onboarding.send_invitation",
    "payments.award_orders",
    "payments.create_invoice",
    "payments.record_delivery",
    "payments.record_payment",
    "qualification.award_page",
    "qualification.open_corrective_action",
    "qualification.templates_page",
    "reports.add_note",
    "requirements.add_drawing",
    "requirements.award",
    "requirements.import_page",
    "requirements.invite",
    "requirements.new",
    "requirements.rate",
    "requirements.submit_quote",
    "suppliers.add_capabilities",
    "suppliers.add_equipment",
    "suppliers.import_page",
    "suppliers.new",
}


def test_the_create_forms_are_the_guarded_views(app):
    guarded = {endpoint for endpoint in app.view_functions if _guarded(app, endpoint)}
    assert guarded == GUARDED_ENDPOINTS
    tabled = {route.endpoint for route, _ in _create_form_rows(app)}
    assert GUARDED_ENDPOINTS - tabled == {"accounts.signup"}  # public: tested below


def test_every_create_form_sent_twice_makes_one_record(app, scenario):
    failures = []
    for route, role in _create_form_rows(app):
        client = signed_in_client(app, scenario, role)
        path = route.path.format(**scenario.ids)
        token = uuid.uuid4().hex
        # Bodies made before the block (they read the test's session), each its own: an
        # upload is a stream read once.
        bodies = [_with_token(route.request(scenario), token) for _ in range(2)]
        with undone_afterwards():
            PREPARE.get(route.endpoint, lambda *_: None)(scenario, role)
            before = _row_counts()
            first = client.open(path, method="POST", **bodies[0])
            after_first = _row_counts()
            _flashes(client)  # the first answer's messages, dropped
            second = client.open(path, method="POST", **bodies[1])
            after_second = _row_counts()
        made = _added(before, after_first)
        expected_location = first.headers.get("Location") or _replay_target(app, route)
        problems = []
        if not 200 <= first.status_code < 400:
            problems.append(f"first answer {first.status_code}")
        if made.keys() <= {"idempotencyrecord", "auditevent"}:
            problems.append(f"the first post made nothing: {made}")
        if _added(after_first, after_second):
            problems.append(f"the second post added {_added(after_first, after_second)}")
        if second.status_code != 303 or second.headers.get("Location") != expected_location:
            problems.append(
                f"second answer {second.status_code} to {second.headers.get('Location')!r},"
                f" not to {expected_location!r}"
            )
        if form_tokens.ALREADY_SENT not in _flashes(client):
            problems.append("no word that the form was already sent")
        if problems:
            failures.append(f"{route.label} as {role}: " + "; ".join(problems))
    assert failures == [], "\n".join(failures)


def _replay_target(app, route) -> str:
    """Where a second post goes when the first answer was a page, not a redirect."""
    with app.test_request_context():
        from flask import url_for

        targets = {
            "accounts.create_token": url_for("accounts.account"),
            "requirements.import_page": url_for("requirements.coordinator_list"),
        }
    return targets[route.endpoint]


SIGN_UP = {
    "account_type": "msme",
    "organisation_name": "Utkal Sintered Parts",
    "full_name": "Prakash Mohanty",
    "email": "prakash@utkal-sintered.test",
    "password": "sintered parts cool slowly",
}


def _users_named(session, email: str) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(User).where(User.email == email))


def test_sign_up_sent_twice_from_one_browser_makes_one_account(session, app, client):
    client.get("/signup")  # the page draws the session's scope with the form's token
    # The double click's second post leaves with the cookie of the page, before the first
    # answer signs the browser in: a second client holding that same cookie.
    second_click = app.test_client()
    second_click.set_cookie("session", client.get_cookie("session").value)
    token = uuid.uuid4().hex
    first = client.post("/signup", data={**SIGN_UP, form_tokens.FIELD: token})
    second = second_click.post("/signup", data={**SIGN_UP, form_tokens.FIELD: token})
    assert first.status_code == 302
    assert (second.status_code, second.headers["Location"]) == (303, first.headers["Location"])
    assert form_tokens.ALREADY_SENT in _flashes(second_click)
    assert _users_named(session, SIGN_UP["email"]) == 1


def test_an_anonymous_token_is_keyed_by_the_browser_session(session, app):
    """Another visitor who somehow sends the same token is not answered as the first was."""
    first_visitor, second_visitor = app.test_client(), app.test_client()
    token = uuid.uuid4().hex
    for visitor in (first_visitor, second_visitor):
        visitor.get("/signup")
    first_visitor.post("/signup", data={**SIGN_UP, form_tokens.FIELD: token})
    other = {**SIGN_UP, "email": "someone-else@utkal-sintered.test"}
    answer = second_visitor.post("/signup", data={**other, form_tokens.FIELD: token})
    assert answer.status_code == 302
    assert _users_named(session, other["email"]) == 1
    records = session.exec(select(idempotency.IdempotencyRecord)).all()
    assert len({record.session_scope for record in records}) == 2
    assert all(record.user_id is None for record in records)


def _capability_count(session, supplier_id: int) -> int:
    session.expire_all()
    return session.scalar(
        select(func.count()).select_from(Capability).where(Capability.supplier_id == supplier_id)
    )


CAPABILITY = {"category": "coatings", "description": "Zinc flake, 8 µm"}


@pytest.mark.parametrize(
    ("token", "why"),
    [(None, "missing"), ("", "empty"), ("not-our-token", "malformed"), ("A" * 32, "malformed")],
)
def test_a_create_form_without_a_sound_token_is_refused_naming_the_field(
    session, app, scenario, token, why
):
    client = signed_in_client(app, scenario, "msme_a")
    client.form_tokens = False
    supplier_id = scenario.supplier_a.id
    before = _capability_count(session, supplier_id)
    data = dict(CAPABILITY) if token is None else {**CAPABILITY, form_tokens.FIELD: token}
    response = client.post(f"/suppliers/{supplier_id}/capabilities", data=data)
    assert response.status_code == 400, why
    assert form_tokens.FIELD in response.get_data(as_text=True)
    assert _capability_count(session, supplier_id) == before


def test_a_token_belongs_to_its_user(session, app, scenario):
    supplier_id = scenario.supplier_a.id
    token = uuid.uuid4().hex
    before = _capability_count(session, supplier_id)
    for role in ("msme_a", "coordinator_1"):
        response = signed_in_client(app, scenario, role).post(
            f"/suppliers/{supplier_id}/capabilities",
            data={**CAPABILITY, form_tokens.FIELD: token},
        )
        assert response.status_code == 302
    assert _capability_count(session, supplier_id) == before + 2


def test_a_refused_form_keeps_its_token_unspent(session, app, scenario):
    """A form sent back with its errors made nothing: sent again corrected, it creates."""
    client = signed_in_client(app, scenario, "msme_a")
    supplier_id = scenario.supplier_a.id
    token = uuid.uuid4().hex
    url = f"/suppliers/{supplier_id}/capabilities"
    refused = client.post(url, data={"category": "alchemy", form_tokens.FIELD: token})
    assert refused.status_code == 422
    accepted = client.post(url, data={**CAPABILITY, form_tokens.FIELD: token})
    assert accepted.status_code == 302
    assert form_tokens.ALREADY_SENT not in _flashes(client)


def test_a_second_post_racing_the_first_gets_the_first_ones_answer(session, app, scenario):
    """Both posts passed the look-up before either committed: the second one's commit
    meets the token's unique constraint, its create is rolled back, and it is sent where
    the first went."""
    client = signed_in_client(app, scenario, "msme_a")
    supplier_id = scenario.supplier_a.id
    url = f"/suppliers/{supplier_id}/capabilities"
    token = uuid.uuid4().hex
    before = _capability_count(session, supplier_id)
    first = client.post(url, data={**CAPABILITY, form_tokens.FIELD: token})
    real_find = idempotency.find_record
    calls = []

    def missed_the_twin(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args, **kwargs)

    with mock.patch.object(idempotency, "find_record", side_effect=missed_the_twin):
        second = client.post(url, data={**CAPABILITY, form_tokens.FIELD: token})
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _capability_count(session, supplier_id) == before + 1


def test_a_form_whose_destination_was_lost_is_not_applied_again(session, app, scenario):
    """The process died between saving what the form made and where it led."""
    client = signed_in_client(app, scenario, "msme_a")
    supplier_id = scenario.supplier_a.id
    url = f"/suppliers/{supplier_id}/capabilities"
    token = uuid.uuid4().hex
    before = _capability_count(session, supplier_id)
    client.post(url, data={**CAPABILITY, form_tokens.FIELD: token})
    record = session.exec(
        select(idempotency.IdempotencyRecord).where(idempotency.IdempotencyRecord.key == token)
    ).one()
    record.status_code, record.response_body = None, None
    session.commit()
    again = client.post(url, data={**CAPABILITY, form_tokens.FIELD: token})
    assert again.status_code == 409
    assert "already sent and saved" in again.get_data(as_text=True)
    assert _capability_count(session, supplier_id) == before + 1


# -- each create form's template renders the token ------------------------------------------

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.DOTALL | re.IGNORECASE)
ACTION = re.compile(r"""action="\{\{\s*url_for\('([\w.]+)'""")
# Forms without an action post to the page that shows them.
SELF_POSTING = {
    "accounts/signup.html": "accounts.signup",
    "requirements/form.html": "requirements.new",
    "requirements/award.html": "requirements.award",
    "requirements/rate.html": "requirements.rate",
    "requirements/import.html": "requirements.import_page",
    "suppliers/edit.html": "suppliers.new",
    "suppliers/import.html": "suppliers.import_page",
}


def _forms():
    for template in sorted(Path(TEMPLATES_DIR).rglob("*.html")):
        name = template.relative_to(TEMPLATES_DIR).as_posix()
        for form in FORM.findall(template.read_text()):
            if 'method="post"' not in form.lower():
                continue
            action = ACTION.search(form)
            yield name, (action.group(1) if action else SELF_POSTING.get(name)), form


def test_every_create_form_renders_its_one_time_token():
    missing = [
        f"{name} -> {endpoint}"
        for name, endpoint, form in _forms()
        if endpoint in GUARDED_ENDPOINTS and "{{ form_token_input() }}" not in form
    ]
    assert missing == []
    reached = {endpoint for _, endpoint, _ in _forms()}
    assert GUARDED_ENDPOINTS - reached == set(), "create forms no template posts to"
