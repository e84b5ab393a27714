"""One-time form tokens: a page form that creates something makes one record, however
often it is sent.

A double click, or the browser resending a form after a timeout, posts the same form
twice. Each create form carries a hidden token drawn when the page is rendered
(``{{ form_token_input() }}``); its view is wrapped in ``one_time_form``. The token is an
idempotency key (idempotency.py) on the same records and the same ``before_commit`` hook:
it is saved in the transaction that saves what the form made, then where the answer
sent the user. A second post of the token creates nothing and is sent there again, with a
flash saying so.

Unlike the API, a token sent again with other values is not refused: the browser's Back
button brings the very same form (token included) back, and the person is best shown
what the first post made. A fresh form gets a fresh token.

Tokens are per user; a form sent before signing in (sign-up) is keyed by a random scope
kept in the browser's session cookie, so one visitor's token cannot replay another's.
"""

import functools
import re
import secrets
import uuid

import sqlalchemy as sa
from flask import Flask, make_response, redirect, request, session, url_for
from markupsafe import Markup

from suppliermatch import idempotency
from suppliermatch.access import current_actor
from suppliermatch.errors import Conflict, DomainError
from suppliermatch.extensions import db
from suppliermatch.i18n import flash

FIELD = "form_token"
# What a token looks like: we draw them (uuid4, hex); anything else was not our form.
_TOKEN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
_SCOPE_KEY = "form_scope"
ALREADY_SENT = "This form was already sent; here is what it made."
MALFORMED = (
    f"The form's one-time token ({FIELD}) is missing or malformed: reload the page and "
    "send the form again."
)


def form_token_input() -> Markup:
    """The hidden input of a create form: a new token on every rendering."""
    if _signed_in_user_id() is None:
        _session_scope()  # drawn now, so that the page's cookie carries it to both posts
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, uuid.uuid4().hex)


def one_time_form(view=None, *, replay_to: str | None = None):
    """Wrap a view whose POST creates something. A second post of the same token is sent
    where the first one's redirect went; ``replay_to`` names the endpoint to send it to
    when the first answer was a page rather than a redirect (the new API token's page
    shows the secret once and is not shown again)."""
    if view is None:
        return functools.partial(one_time_form, replay_to=replay_to)

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if request.method != "POST":
            return view(*args, **kwargs)
        pending = _pending_token()
        record = idempotency.find_record(db.session, **pending.lookup)
        if record is not None:
            return _send_again(record)
        sa.event.listen(db.session, "before_commit", pending.add_with_the_create)
        try:
            response = make_response(view(*args, **kwargs))
        except sa.exc.IntegrityError:
            # Its twin (the other click) committed the token first: this create is void.
            twin = _twin_answer(db.session, pending)
            if twin is None:
                raise
            return twin
        finally:
            sa.event.remove(db.session, "before_commit", pending.add_with_the_create)
        if response.status_code >= 400:
            return _twin_answer(db.session, pending) or response
        if pending.record is not None:
            _store_where_it_led(db.session, pending, response, replay_to)
        return response

    guarded.one_time_form = True
    return guarded


def _session_scope() -> str:
    """Before signing in there is no user to key a token by: the browser session is, by a
    random value kept in its (signed) cookie and never shown."""
    return session.setdefault(_SCOPE_KEY, secrets.token_hex(idempotency.SESSION_SCOPE_LENGTH // 2))


def _signed_in_user_id() -> int | None:
    return current_actor().user_id


def _pending_token() -> idempotency.PendingKey:
    token = request.form.get(FIELD, "")
    user_id = _signed_in_user_id()
    if not _TOKEN_PATTERN.match(token):
        raise DomainError(MALFORMED, field=FIELD)
    scope = None if user_id is not None else _session_scope()
    return idempotency.PendingKey(
        user_id=user_id,
        session_scope=scope,
        key=token,
        endpoint=f"POST {request.path}"[:120],
        fingerprint=idempotency.request_fingerprint(),
    )


def _send_again(record: idempotency.IdempotencyRecord):
    if record.status_code is None:
        raise Conflict(
            "This form was already sent and saved, but where it led was not recorded: "
            "look for what it made before sending it again.",
            field=FIELD,
        )
    flash(ALREADY_SENT)
    return redirect(record.response_body["location"], code=303)


def _store_where_it_led(session, pending, response, replay_to: str | None) -> None:
    # A page answered rather than a redirect: send a second post where replay_to says.
    location = response.location or (url_for(replay_to) if replay_to else request.path)
    pending.record.status_code = response.status_code
    pending.record.response_body = {"location": location}
    try:
        session.commit()
    except sa.exc.SQLAlchemyError as failure:
        # What the form made is saved; a second post is told so (409), not re-applied.
        idempotency.log.warning("where a form led was not stored: %s", failure)
        session.rollback()


def _twin_answer(session, pending):
    """The other post of the same form got its token saved first: answer as it did."""
    try:
        session.rollback()
        record = idempotency.find_record(session, **pending.lookup)
    except sa.exc.SQLAlchemyError:
        return None
    if record is None or record.status_code is None:
        return None
    return _send_again(record)


def init_form_tokens(app: Flask) -> None:
    app.add_template_global(form_token_input)
